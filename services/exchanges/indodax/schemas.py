"""Pydantic models of Indodax's raw response shapes, validated at the boundary.

Amount keys are named after currencies (``order_btc``, ``remain_idr``, ``vol_eth``), so those models keep
extra keys and expose them through ``amount_for``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

T = TypeVar("T", bound=BaseModel)


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def _null_is_empty(value: Any) -> Any:
    return [] if value is None else value


# "orders": null when there are none (seen from the exchange by other public clients)
NoneIsEmpty = BeforeValidator(_null_is_empty)

# times and amounts that may come as "" (an open order's finish_time)
Seconds = Annotated[int | None, BeforeValidator(_blank_is_none)]
MaybeDecimal = Annotated[Decimal | None, BeforeValidator(_blank_is_none)]


class Raw(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def amount_for(self, prefix: str, *currencies: str) -> Decimal | None:
        """The first ``<prefix>_<currency>`` (or bare ``<currency>``) extra key present, as Decimal."""
        extra = self.model_extra or {}
        for currency in currencies:
            value = extra.get(f"{prefix}_{currency}" if prefix else currency)
            if value is not None and value != "":
                return Decimal(str(value))
        return None


class ErrorBody(Raw):
    success: int | str | None = None
    error: str | None = None
    error_code: str | None = None
    message: str | None = None


class Envelope(Raw):
    success: int | str
    result: Any = Field(default=None, alias="return")


# -- public -------------------------------------------------------------------------------------------


class ServerTime(Raw):
    server_time: int  # ms


class PairInfo(Raw):
    id: str  # "btcidr"
    symbol: str  # "BTCIDR"
    base_currency: str  # the quote asset, "idr"
    traded_currency: str  # the base asset, "btc"
    ticker_id: str  # "btc_idr"
    price_round: int | None = None
    volume_precision: int | None = None
    trade_min_base_currency: MaybeDecimal = None
    trade_min_traded_currency: MaybeDecimal = None
    trade_fee_percent: MaybeDecimal = None
    is_maintenance: int | bool | None = None
    is_market_suspended: int | bool | None = None


class TickerRaw(Raw):
    high: MaybeDecimal = None
    low: MaybeDecimal = None
    last: MaybeDecimal = None
    buy: MaybeDecimal = None
    sell: MaybeDecimal = None
    server_time: Seconds = None  # seconds


class TickerAll(Raw):
    tickers: dict[str, TickerRaw]


class TickerOne(Raw):
    ticker: TickerRaw


class Depth(Raw):
    buy: list[tuple[Decimal, Decimal]] = Field(default_factory=list)
    sell: list[tuple[Decimal, Decimal]] = Field(default_factory=list)


class PublicTradeRaw(Raw):
    date: int
    price: Decimal
    amount: Decimal
    tid: str | int
    type: str


class CandleRaw(Raw):
    time: int = Field(alias="Time")
    open: Decimal = Field(alias="Open")
    high: Decimal = Field(alias="High")
    low: Decimal = Field(alias="Low")
    close: Decimal = Field(alias="Close")
    volume: Decimal = Field(alias="Volume")


# -- private (the "return" object) --------------------------------------------------------------------


class Info(Raw):
    server_time: Seconds = None
    balance: dict[str, Decimal]
    balance_hold: dict[str, Decimal] = Field(default_factory=dict)
    address: dict[str, str] = Field(default_factory=dict)
    network: dict[str, str | list[str]] = Field(default_factory=dict)
    memo_is_required: dict[str, dict[str, bool]] = Field(default_factory=dict)
    user_id: str | int | None = None
    verification_status: str | None = None
    withdraw_status: int | None = None


class TransferRaw(Raw):
    status: str
    amount: Decimal
    fee: MaybeDecimal = None
    submit_time: Seconds = None
    success_time: Seconds = None
    deposit_id: str | int | None = None
    withdraw_id: str | int | None = None
    tx: str | None = None


class TransHistory(Raw):
    withdraw: dict[str, list[TransferRaw]] = Field(default_factory=dict)
    deposit: dict[str, list[TransferRaw]] = Field(default_factory=dict)


class TradeResult(Raw):
    order_id: int | str
    client_order_id: str | None = None


class MyTradeRaw(Raw):
    trade_id: str | int
    order_id: str | int | None = None
    type: str
    price: Decimal
    fee: MaybeDecimal = None
    trade_time: Seconds = None
    client_order_id: str | None = None


class MyTrades(Raw):
    trades: list[MyTradeRaw]


class OrderRaw(Raw):
    order_id: str | int
    client_order_id: str | None = None
    price: MaybeDecimal = None
    type: str
    order_type: str | None = None
    submit_time: Seconds = None
    finish_time: Seconds = None
    status: str | None = None


class OpenOrders(Raw):
    orders: Annotated[list[OrderRaw] | dict[str, list[OrderRaw]], NoneIsEmpty]


class OrderList(Raw):
    orders: Annotated[list[OrderRaw], NoneIsEmpty]


class OneOrder(Raw):
    order: OrderRaw


class CancelResult(Raw):
    order_id: int | str
    client_order_id: str | None = None
    type: str
    pair: str


class WithdrawFee(Raw):
    withdraw_fee: Decimal
    currency: str
    server_time: Seconds = None


class WithdrawResult(Raw):
    status: str
    withdraw_currency: str
    withdraw_address: str | None = None
    withdraw_amount: Decimal
    fee: MaybeDecimal = None
    amount_after_fee: MaybeDecimal = None
    submit_time: Seconds = None
    withdraw_id: str | int
    txid: str | None = None
    withdraw_username: str | None = None
