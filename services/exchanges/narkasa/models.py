"""Typed answers of Narkasa's methods that have no CCXT name, and the typed events of its websocket
(and of the REST resync after a reconnect)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..models import Candle, Order, OrderBook, PublicTrade, Ticker


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Currency(_Model):
    id: str
    asset: str
    name: str


class SavedAddress(_Model):
    id: str
    name: str
    address: str


class WithdrawChannel(_Model):
    network: str
    enabled: bool
    fee: Decimal | None = None
    addresses: list[SavedAddress] = Field(default_factory=list)


class WithdrawInfo(_Model):
    asset: str
    name: str
    enabled: bool
    minimum: Decimal | None = None
    decimals: int | None = None
    channels: list[WithdrawChannel] = Field(default_factory=list)


class DepositChannel(_Model):
    network: str
    address: str
    enabled: bool


class DepositInfo(_Model):
    asset: str
    name: str
    enabled: bool
    minimum: Decimal | None = None
    decimals: int | None = None
    channels: list[DepositChannel] = Field(default_factory=list)


class TopOfBook(_Model):
    """The best bid and ask (``market/orderbook`` and the ``orderBook`` stream)."""

    symbol: str
    bid_price: Decimal | None = None
    bid_amount: Decimal | None = None
    ask_price: Decimal | None = None
    ask_amount: Decimal | None = None


Source = Literal["stream", "resync"]


class StreamEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TickerEvent(StreamEvent):
    channel: Literal["allTickers", "ticker"]
    ticker: Ticker


class CandleEvent(StreamEvent):
    symbol: str
    interval: str  # Narkasa's notation (m1 ... d1)
    candle: Candle


class TopOfBookEvent(StreamEvent):
    top: TopOfBook


class DepthEvent(StreamEvent):
    book: OrderBook


class TradeEvent(StreamEvent):
    trade: PublicTrade


class OrderUpdateEvent(StreamEvent):
    order: Order
    raw_status: str  # NEW, PARTIALLY_FILLED, FILLED, CANCELLED, CANCELLED_ALL
    source: Source = "stream"


class BalanceUpdateEvent(StreamEvent):
    asset: str
    available: Decimal
    source: Source = "stream"


class ReservedUpdateEvent(StreamEvent):
    asset: str
    reserved: Decimal
    source: Source = "stream"


class ConnectionEvent(StreamEvent):
    """The socket opened (``reconnect`` after a drop) or closed; user streams resync after a reconnect."""

    connected: bool
    reconnect: bool = False
