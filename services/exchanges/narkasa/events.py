"""Typed events out of Narkasa's websocket (and of the REST resync after a reconnect)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..models import Candle, Order, OrderBook, PublicTrade, Ticker
from . import convert, schemas
from .models import TopOfBook

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


class _RawTop(schemas.Raw):
    bidPrice: Decimal | None = None
    bidAmount: Decimal | None = None
    askPrice: Decimal | None = None
    askAmount: Decimal | None = None


class _RawKline(schemas.Raw):
    interval: str
    kline: schemas.RawCandle


class _RawDepth(schemas.Raw):
    depth: schemas.RawBook


class _RawTrade(schemas.Raw):
    amount: Decimal
    price: Decimal
    tradeType: int
    time: int


class _RawOrderUpdate(schemas.Raw):
    order: schemas.RawOrder


class _RawBalance(schemas.Raw):
    symbol: str
    available: Decimal


class _RawReserved(schemas.Raw):
    symbol: str
    reserved: Decimal


def parse(kind: str, data: dict[str, Any], symbol: str) -> StreamEvent | None:
    """One data message (``type`` = kind) as an event; ``symbol`` is the unified pair of its market.

    Raises pydantic.ValidationError on a wrong shape; returns None for a type it does not know.
    """
    if kind == "allTickers" or kind == "ticker":
        ticker = convert.ticker(schemas.RawTicker.model_validate(data), symbol)
        return TickerEvent(channel=kind, ticker=ticker)
    if kind == "candles":
        kline = _RawKline.model_validate(data)
        return CandleEvent(symbol=symbol, interval=kline.interval, candle=convert.candle(kline.kline))
    if kind == "orderBook":
        top = _RawTop.model_validate(data)
        return TopOfBookEvent(
            top=TopOfBook(
                symbol=symbol,
                bid_price=top.bidPrice or None,
                bid_amount=top.bidAmount or None,
                ask_price=top.askPrice or None,
                ask_amount=top.askAmount or None,
            )
        )
    if kind == "depth":
        return DepthEvent(book=convert.order_book(_RawDepth.model_validate(data).depth, symbol))
    if kind == "trade":
        t = _RawTrade.model_validate(data)
        same = schemas.RawPublicTrade(price=t.price, amount=t.amount, time=t.time, type=t.tradeType)
        return TradeEvent(trade=convert.public_trade(same, symbol))
    if kind == "orderUpdate":
        order = _RawOrderUpdate.model_validate(data).order
        return OrderUpdateEvent(order=convert.order(order, symbol), raw_status=order.status or "NEW")
    if kind == "balanceUpdate":
        balance = _RawBalance.model_validate(data)
        return BalanceUpdateEvent(asset=balance.symbol.upper(), available=balance.available)
    if kind == "reservedUpdate":
        reserved = _RawReserved.model_validate(data)
        return ReservedUpdateEvent(asset=reserved.symbol.upper(), reserved=reserved.reserved)
    return None


def market_of(data: dict[str, Any]) -> str | None:
    """The exchange's market id a data message is about, if any."""
    if isinstance(data.get("symbol"), str) and data.get("type") not in ("balanceUpdate", "reservedUpdate"):
        return str(data["symbol"])
    order = data.get("order")
    if isinstance(order, dict) and isinstance(order.get("market"), str):
        return str(order["market"])
    return None
