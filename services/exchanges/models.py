"""Exchange-neutral data models. Every amount is a Decimal from the wire to the screen.

Symbols are unified as ``BASE/QUOTE`` in upper case; each model that came from a market keeps the
exchange's own id where it matters for a later call (``Market.id``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrderSide(StrEnum):
    BUY = "buy"
    SELL = "sell"


class OrderType(StrEnum):
    LIMIT = "limit"
    MARKET = "market"
    STOP_LIMIT = "stop_limit"


class OrderStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # fully filled
    CANCELED = "canceled"
    REJECTED = "rejected"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class TransferStatus(StrEnum):
    PENDING = "pending"  # requested, processing, awaiting confirmations
    OK = "ok"  # credited (deposit) or sent with a txid (withdrawal)
    FAILED = "failed"
    CANCELED = "canceled"


class MinMax(_Model):
    min: Decimal | None = None
    max: Decimal | None = None


class MarketLimits(_Model):
    amount: MinMax = MinMax()
    price: MinMax = MinMax()
    cost: MinMax = MinMax()


class MarketPrecision(_Model):
    """Number of decimal places allowed; None when the exchange does not say."""

    amount: int | None = None
    price: int | None = None


class Market(_Model):
    symbol: str  # unified, "BTC/USDT"
    id: str  # the exchange's own, "btc_usdt", "BTCUSDT", "btcidr"...
    base: str
    quote: str
    active: bool = True
    precision: MarketPrecision = MarketPrecision()
    limits: MarketLimits = MarketLimits()
    maker_fee: Decimal | None = None
    taker_fee: Decimal | None = None


class Ticker(_Model):
    symbol: str
    last: Decimal | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    base_volume: Decimal | None = None
    quote_volume: Decimal | None = None
    change_pct: Decimal | None = None  # 24h change in percent
    timestamp: datetime | None = None


class PriceLevel(_Model):
    price: Decimal
    amount: Decimal


class OrderBook(_Model):
    symbol: str
    bids: list[PriceLevel] = Field(default_factory=list)  # best (highest) first
    asks: list[PriceLevel] = Field(default_factory=list)  # best (lowest) first
    timestamp: datetime | None = None


class Candle(_Model):
    timestamp: datetime  # open time
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


class PublicTrade(_Model):
    id: str
    symbol: str
    side: OrderSide | None = None
    price: Decimal
    amount: Decimal
    timestamp: datetime


class Balance(_Model):
    asset: str
    free: Decimal = Decimal(0)
    reserved: Decimal = Decimal(0)  # in orders, pending withdrawals

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> Decimal:
        return self.free + self.reserved


class Balances(_Model):
    assets: dict[str, Balance] = Field(default_factory=dict)

    def non_zero(self) -> list[Balance]:
        return [b for b in self.assets.values() if b.total != 0]

    def get(self, asset: str) -> Balance:
        return self.assets.get(asset.upper(), Balance(asset=asset.upper()))


class Order(_Model):
    id: str
    symbol: str
    side: OrderSide
    type: OrderType
    status: OrderStatus
    amount: Decimal | None = None  # in base; None for a market buy sized in quote
    price: Decimal | None = None
    stop_price: Decimal | None = None
    filled: Decimal = Decimal(0)
    average: Decimal | None = None
    cost: Decimal | None = None  # quote spent or received so far
    client_order_id: str | None = None
    timestamp: datetime | None = None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.amount is None else self.amount - self.filled


class Trade(_Model):
    """One of our own fills."""

    id: str
    order_id: str | None = None
    symbol: str
    side: OrderSide
    price: Decimal
    amount: Decimal
    cost: Decimal | None = None
    fee: Decimal | None = None
    fee_asset: str | None = None
    maker: bool | None = None
    timestamp: datetime | None = None


class Transfer(_Model):
    id: str
    asset: str
    amount: Decimal
    status: TransferStatus
    fee: Decimal | None = None
    address: str | None = None
    memo: str | None = None
    network: str | None = None
    txid: str | None = None
    timestamp: datetime | None = None
    updated: datetime | None = None
    raw_status: str | None = None  # the exchange's own word, for display and debugging


class Deposit(Transfer):
    pass


class Withdrawal(Transfer):
    request_id: str | None = None  # the idempotency key it was sent with, where the exchange has one


class DepositAddress(_Model):
    asset: str
    address: str
    memo: str | None = None
    network: str | None = None


class AccountInfo(_Model):
    """What a cheap authenticated call tells: that the key works, and what it may do."""

    can_read: bool = True
    can_trade: bool | None = None
    can_withdraw: bool | None = None
    details: dict[str, Any] = Field(default_factory=dict)
