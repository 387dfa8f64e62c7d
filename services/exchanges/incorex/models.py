"""Typed answers of the IncoreX methods that have no CCXT-style name."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from services.exchanges.models import Deposit, OrderSide, OrderType, Trade, Withdrawal


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrderExecution(_Model):
    """``order_trades``: what an order has given and received so far, and its fills."""

    order_id: str
    side: OrderSide
    type: OrderType
    in_currency: str
    in_amount: Decimal
    out_currency: str
    out_amount: Decimal
    percent_filled: Decimal
    trades: list[Trade] = Field(default_factory=list)


class RequiredAmount(_Model):
    """``required_amount``: what buying ``quantity`` of the base would cost now."""

    symbol: str
    quantity: Decimal
    amount: Decimal
    average_price: Decimal


class WithdrawalTxid(_Model):
    """``withdraw_get_txid``: the blockchain txid once the withdrawal has been sent, else None."""

    task_id: str
    txid: str | None = None

    @property
    def processed(self) -> bool:
        return self.txid is not None


class WalletDay(_Model):
    """``wallet_history`` for one day."""

    begin: int
    end: int
    deposits: list[Deposit] = Field(default_factory=list)
    withdrawals: list[Withdrawal] = Field(default_factory=list)
