"""Raw Narkasa shapes (schemas) -> the framework's models."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from ..models import (
    Balance,
    Balances,
    Candle,
    Market,
    MarketLimits,
    MarketPrecision,
    MinMax,
    Order,
    OrderBook,
    OrderSide,
    OrderStatus,
    PriceLevel,
    PublicTrade,
    Ticker,
    Trade,
    Transfer,
    TransferStatus,
)
from ..symbols import unified
from . import schemas
from .constants import SIDE_WORDS, STATUS_WORDS, TYPE_WORDS
from .models import (
    BalanceUpdateEvent,
    CandleEvent,
    DepositChannel,
    DepositInfo,
    DepthEvent,
    OrderUpdateEvent,
    ReservedUpdateEvent,
    SavedAddress,
    StreamEvent,
    TickerEvent,
    TopOfBook,
    TopOfBookEvent,
    TradeEvent,
    WithdrawChannel,
    WithdrawInfo,
)

T = TypeVar("T", bound=Transfer)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def to_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _positive(value: Decimal | None) -> Decimal | None:
    return value if value else None


def market_from_ticker(raw: schemas.RawTicker) -> Market | None:
    if not raw.firstSymbol or not raw.secondSymbol:
        return None
    return Market(
        symbol=unified(raw.firstSymbol, raw.secondSymbol),
        id=raw.symbol,
        base=raw.firstSymbol.upper(),
        quote=raw.secondSymbol.upper(),
    )


def market_from_info(raw: schemas.RawInfo) -> Market:
    def fee(value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        return value / 100 if raw.commissionPercentage else value

    return Market(
        symbol=unified(raw.firstSymbol, raw.secondSymbol),
        id=raw.symbol,
        base=raw.firstSymbol.upper(),
        quote=raw.secondSymbol.upper(),
        active=raw.enable and raw.orderEnable,
        precision=MarketPrecision(amount=raw.precision.amount, price=raw.precision.price),
        limits=MarketLimits(amount=MinMax(min=raw.minAmount), cost=MinMax(min=raw.minTradeTotal)),
        maker_fee=fee(raw.commissionMaker if raw.commissionMaker is not None else raw.commission),
        taker_fee=fee(raw.commissionTaker if raw.commissionTaker is not None else raw.commission),
    )


def ticker(raw: schemas.RawTicker, symbol: str) -> Ticker:
    # the 24h answers give volumeQty (base) and volume (quote); the all-markets list gives only volume,
    # in base units as its example shows
    base_volume: Decimal | None
    quote_volume: Decimal | None
    if raw.volumeQty is not None:
        base_volume, quote_volume = raw.volumeQty, raw.volume
    else:
        base_volume, quote_volume = raw.volume, None
    return Ticker(
        symbol=symbol,
        last=raw.last,
        bid=_positive(raw.firstBid),
        ask=_positive(raw.firstAsk),
        high=raw.high,
        low=raw.low,
        base_volume=base_volume,
        quote_volume=quote_volume,
        change_pct=raw.changePercent,
        timestamp=from_ms(raw.openTime) if raw.openTime else None,
    )


def candle(raw: schemas.RawCandle) -> Candle:
    return Candle(
        timestamp=from_ms(raw.openTime),
        open=raw.open,
        high=raw.high,
        low=raw.low,
        close=raw.close,
        volume=raw.volume,
    )


def order_book(raw: schemas.RawBook, symbol: str, limit: int | None = None) -> OrderBook:
    bids = sorted((PriceLevel(price=x.price, amount=x.amount) for x in raw.bids), key=lambda p: -p.price)
    asks = sorted((PriceLevel(price=x.price, amount=x.amount) for x in raw.asks), key=lambda p: p.price)
    return OrderBook(symbol=symbol, bids=bids[:limit], asks=asks[:limit])


def top_of_book(raw: schemas.RawBook, symbol: str) -> TopOfBook:
    book = order_book(raw, symbol, 1)
    bid = book.bids[0] if book.bids else None
    ask = book.asks[0] if book.asks else None
    return TopOfBook(
        symbol=symbol,
        bid_price=bid.price if bid else None,
        bid_amount=bid.amount if bid else None,
        ask_price=ask.price if ask else None,
        ask_amount=ask.amount if ask else None,
    )


def public_trade(raw: schemas.RawPublicTrade, symbol: str) -> PublicTrade:
    side = OrderSide.BUY if raw.type == 1 else OrderSide.SELL  # the taker's side
    return PublicTrade(
        id=f"{raw.time}:{side.value}:{raw.price}:{raw.amount}",
        symbol=symbol,
        side=side,
        price=raw.price,
        amount=raw.amount,
        timestamp=from_ms(raw.time),
    )


def order(raw: schemas.RawOrder, symbol: str) -> Order:
    status = STATUS_WORDS.get(raw.status, OrderStatus.UNKNOWN) if raw.status else OrderStatus.OPEN
    filled = raw.filledAmount or Decimal(0)
    cost = raw.filledTotal
    if cost is None and raw.price and filled:
        cost = raw.price * filled
    return Order(
        id=raw.orderId or "",
        symbol=symbol,
        side=SIDE_WORDS[raw.side.upper()],
        type=TYPE_WORDS[raw.orderType.upper()],
        status=status,
        amount=raw.amount,
        price=_positive(raw.price),
        stop_price=_positive(raw.target) or _positive(raw.targetPrice),
        filled=filled,
        cost=cost,
        timestamp=from_ms(raw.time) if raw.time else None,
    )


def user_trade(raw: schemas.RawUserTrade, symbol: str) -> Trade:
    side = SIDE_WORDS[raw.side.upper()]
    return Trade(
        id=f"{raw.time}:{side.value}:{raw.price}:{raw.amount}",
        symbol=symbol,
        side=side,
        price=raw.price,
        amount=raw.amount,
        cost=raw.price * raw.amount,
        fee=raw.commission,
        fee_asset=raw.commissionSymbol,
        timestamp=from_ms(raw.time),
    )


def balances(wallet: list[schemas.RawWalletEntry]) -> Balances:
    assets = {
        e.symbol.upper(): Balance(asset=e.symbol.upper(), free=e.available, reserved=e.reserved)
        for e in wallet
    }
    return Balances(assets=assets)


def transfer(raw: schemas.RawTransfer, cls: type[T], states: dict[int, tuple[str, TransferStatus]]) -> T:
    word, status = states.get(raw.state, (None, TransferStatus.PENDING))
    return cls(
        id=raw.id,
        asset=raw.symbol.upper(),
        amount=raw.amount,
        status=status,
        txid=raw.txid or None,
        timestamp=from_ms(raw.time),
        raw_status=f"{word} ({raw.state})" if word else str(raw.state),
    )


def withdraw_info(raw: schemas.RawWithdrawCurrency) -> WithdrawInfo:
    return WithdrawInfo(
        asset=raw.symbol.upper(),
        name=raw.name,
        enabled=raw.enable,
        minimum=raw.minimumWithdrawAmount,
        decimals=raw.maxLength,
        channels=[
            WithdrawChannel(
                network=c.name,
                enabled=c.enable,
                fee=c.commission,
                addresses=[SavedAddress(id=a.id, name=a.name, address=a.address) for a in c.addressList],
            )
            for c in raw.channels
        ],
    )


def deposit_info(raw: schemas.RawDepositCurrency) -> DepositInfo:
    return DepositInfo(
        asset=raw.symbol.upper(),
        name=raw.name,
        enabled=raw.enable,
        minimum=raw.minimumDepositAmount,
        decimals=raw.maxLength,
        channels=[DepositChannel(network=c.name, address=c.address, enabled=c.enable) for c in raw.channels],
    )


EPOCH = from_ms(0)


def when(item: PublicTrade | Trade) -> datetime:
    return item.timestamp or EPOCH


def select(items: list[T], asset: str | None, since: datetime | None, limit: int | None) -> list[T]:
    """Transfers of ``asset`` since ``since``, oldest first, the newest ``limit`` of them."""
    chosen = sorted(
        (
            x
            for x in items
            if (asset is None or x.asset == asset.upper())
            and (since is None or (x.timestamp is not None and x.timestamp >= since))
        ),
        key=lambda x: x.timestamp or EPOCH,
    )
    return chosen[-limit:] if limit else chosen


def stream_event(kind: str, data: dict[str, Any], symbol: str) -> StreamEvent | None:
    """One data message (``type`` = kind) as an event; ``symbol`` is the unified pair of its market.

    Raises pydantic.ValidationError on a wrong shape; returns None for a type it does not know.
    """
    if kind == "allTickers" or kind == "ticker":
        return TickerEvent(channel=kind, ticker=ticker(schemas.RawTicker.model_validate(data), symbol))
    if kind == "candles":
        kline = schemas.RawKline.model_validate(data)
        return CandleEvent(symbol=symbol, interval=kline.interval, candle=candle(kline.kline))
    if kind == "orderBook":
        top = schemas.RawTop.model_validate(data)
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
        return DepthEvent(book=order_book(schemas.RawDepthUpdate.model_validate(data).depth, symbol))
    if kind == "trade":
        t = schemas.RawTradeUpdate.model_validate(data)
        same = schemas.RawPublicTrade(price=t.price, amount=t.amount, time=t.time, type=t.tradeType)
        return TradeEvent(trade=public_trade(same, symbol))
    if kind == "orderUpdate":
        raw = schemas.RawOrderUpdate.model_validate(data).order
        return OrderUpdateEvent(order=order(raw, symbol), raw_status=raw.status or "NEW")
    if kind == "balanceUpdate":
        balance = schemas.RawBalanceUpdate.model_validate(data)
        return BalanceUpdateEvent(asset=balance.symbol.upper(), available=balance.available)
    if kind == "reservedUpdate":
        reserved = schemas.RawReservedUpdate.model_validate(data)
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
