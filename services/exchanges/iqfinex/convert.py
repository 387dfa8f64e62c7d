"""Raw Iqfinex shapes -> exchange-neutral models. Pure functions; the client does the I/O."""

from __future__ import annotations

from datetime import UTC, datetime

from ..models import (
    AccountInfo,
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
)
from ..symbols import MarketIndex, unified
from .constants import ORDER_STATUSES, ORDER_TYPES
from .models import Currency
from .schemas import (
    RawAccountInfo,
    RawAsset,
    RawBalance,
    RawCandle,
    RawCurrency,
    RawOrder,
    RawOrderBook,
    RawPublicTrade,
    RawTicker,
    RawTrade,
)


def when(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)


def symbol_of(markets: MarketIndex, asset: str) -> str:
    """The unified symbol for an Iqfinex asset id; an unlisted (delisted) asset keeps its own id."""
    market = markets.by_id(asset)
    return market.symbol if market is not None else asset


def currency(raw: RawCurrency) -> Currency:
    return Currency(
        code=raw.name.upper(),
        name=raw.alias,
        kind=raw.type,
        withdrawal_fee=raw.commission,
        confirmations=raw.confirmations,
        min_withdrawal=raw.min_withdrawal,
        min_deposit=raw.min_deposit,
        can_deposit=raw.is_deposit,
        can_withdraw=raw.is_withdrawal,
    )


def market(raw: RawAsset) -> Market:
    return Market(
        symbol=unified(raw.left, raw.right),
        id=raw.pair,
        base=raw.left.upper(),
        quote=raw.right.upper(),
        active=raw.is_trade,
        precision=MarketPrecision(price=raw.accuracy),
        limits=MarketLimits(amount=MinMax(min=raw.min_volume)),
    )


def ticker(symbol: str, raw: RawTicker) -> Ticker:
    return Ticker(
        symbol=symbol,
        last=raw.last,
        bid=raw.bid,
        ask=raw.ask,
        high=raw.high,
        low=raw.low,
        base_volume=raw.volume24,
        change_pct=raw.percent_change,
        timestamp=when(raw.timestamp),
    )


def order_book(symbol: str, raw: RawOrderBook, limit: int | None) -> OrderBook:
    bids = [PriceLevel(price=p, amount=v) for p, (v, _) in sorted(raw.buy.items(), reverse=True)]
    asks = [PriceLevel(price=p, amount=v) for p, (v, _) in sorted(raw.sell.items())]
    return OrderBook(symbol=symbol, bids=bids[:limit], asks=asks[:limit])


def public_trade(symbol: str, raw: RawPublicTrade) -> PublicTrade:
    return PublicTrade(
        id=str(raw.id),
        symbol=symbol,
        side=OrderSide(raw.type) if raw.type else None,
        price=raw.price,
        amount=raw.volume,
        timestamp=datetime.fromtimestamp(raw.close_time, tz=UTC),
    )


def candles(rows: list[RawCandle], frame: int, now: datetime) -> list[Candle]:
    """Oldest first. A closed row ends at its close time; the active one (no close time) opens where the
    latest closed one ended, or at the start of the current frame when it is alone."""
    closed = [row[5] for row in rows if len(row) == 6]
    active_open = max(closed) if closed else int(now.timestamp()) // frame * frame
    result = []
    for row in rows:
        opened = row[5] - frame if len(row) == 6 else active_open
        result.append(
            Candle(
                timestamp=datetime.fromtimestamp(opened, tz=UTC),
                open=row[0],
                high=row[1],
                low=row[2],
                close=row[3],
                volume=row[4],
            )
        )
    return sorted(result, key=lambda c: c.timestamp)


def account_info(raw: RawAccountInfo) -> AccountInfo:
    details = {"id": raw.id, "keylabel": raw.keylabel, "whitelist": raw.whitelist}
    return AccountInfo(
        can_trade=raw.is_trade,
        can_withdraw=raw.is_withdrawal,
        details={k: v for k, v in details.items() if v is not None},
    )


def balances(raw: dict[str, RawBalance]) -> Balances:
    return Balances(
        assets={
            code.upper(): Balance(
                asset=code.upper(), free=row.free_balance, reserved=row.balance - row.free_balance
            )
            for code, row in raw.items()
        }
    )


def order(markets: MarketIndex, raw: RawOrder) -> Order:
    amount = raw.original_volume if raw.original_volume is not None else raw.volume
    order_type = ORDER_TYPES[raw.type]
    price = raw.price if raw.price else None  # a market order reports no price, or 0
    return Order(
        id=str(raw.id),
        symbol=symbol_of(markets, raw.asset),
        side=OrderSide(raw.cmd),
        type=order_type,
        status=ORDER_STATUSES.get(raw.status, OrderStatus.UNKNOWN),
        amount=amount,
        price=price,
        stop_price=raw.stop_price,
        filled=raw.executed_volume,
        timestamp=when(raw.open_time),
    )


def trade(markets: MarketIndex, raw: RawTrade) -> Trade:
    # "id integer id of opened order": every fill of an order carries it, so a fill is told apart by
    # its time, price and volume too
    when_closed = raw.close_time if raw.close_time is not None else raw.open_time
    return Trade(
        id=f"{raw.id}:{when_closed}:{raw.price}:{raw.volume}",
        order_id=str(raw.order_id if raw.order_id is not None else raw.id),
        symbol=symbol_of(markets, raw.asset),
        side=OrderSide(raw.cmd),
        price=raw.price,
        amount=raw.volume,
        cost=raw.price * raw.volume,
        fee=raw.commission,
        fee_asset=raw.commission_currency.upper() if raw.commission_currency else None,
        timestamp=when(when_closed),
    )
