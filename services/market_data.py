"""Prices, order books and candles of one account's exchange, as the chat asks for them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.accounts import AccountRegistry
from services.exchanger_desk import ExchangerDesk
from services.exchanges.base import INTERVALS
from services.exchanges.capabilities import Capability
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.models import Candle, Market, OrderBook, PublicTrade, Ticker

INTERVAL_SECONDS = {
    "1m": 60,
    "5m": 300,
    "15m": 900,
    "30m": 1800,
    "1h": 3600,
    "4h": 14400,
    "1d": 86400,
    "1w": 604800,
}
assert set(INTERVAL_SECONDS) == set(INTERVALS)

CHART_CANDLES = 60
#: fewer candles than this make a chart too thin to read: the caption then says why, and what helps
READABLE_CANDLES = 12


class UnknownInterval(ValueError):
    def __init__(self, interval: str) -> None:
        super().__init__(interval)
        self.interval = interval


@dataclass(frozen=True)
class PriceView:
    account: str
    market: Market
    ticker: Ticker


@dataclass(frozen=True)
class CandleSeries:
    account: str
    market: Market
    interval: str
    candles: list[Candle]
    from_trades: bool  # built from public trades because the exchange has no candles
    first_trade: datetime | None = None  # when built from trades: the data starts here, not at the bucket

    @property
    def readable(self) -> bool:
        return len(self.candles) >= READABLE_CANDLES

    @property
    def data_since(self) -> datetime | None:
        """The earliest moment the chart has data for."""
        if self.first_trade is not None:
            return self.first_trade
        return min((c.timestamp for c in self.candles), default=None)

    def shorter_interval(self, now: datetime | None = None) -> str | None:
        """The longest interval that would draw a readable chart from the data there is, if any."""
        if self.data_since is None:
            return None
        span = ((now or datetime.now(UTC)) - self.data_since).total_seconds()
        fitting = [name for name, seconds in INTERVAL_SECONDS.items() if span / seconds >= READABLE_CANDLES]
        shorter = [name for name in fitting if INTERVAL_SECONDS[name] < INTERVAL_SECONDS[self.interval]]
        return shorter[-1] if shorter else None


def normalize_interval(text: str | None) -> str:
    interval = (text or "1h").strip().lower()
    if interval not in INTERVAL_SECONDS:
        raise UnknownInterval(interval)
    return interval


def candles_from_trades(trades: Iterable[PublicTrade], interval: str) -> list[Candle]:
    """OHLCV buckets from trades, for exchanges that publish trades but no candles."""
    step = INTERVAL_SECONDS[interval]
    buckets: dict[int, list[PublicTrade]] = {}
    for trade in sorted(trades, key=lambda t: t.timestamp):
        start = int(trade.timestamp.timestamp()) // step * step
        buckets.setdefault(start, []).append(trade)
    return [
        Candle(
            timestamp=datetime.fromtimestamp(start, UTC),
            open=group[0].price,
            high=max(t.price for t in group),
            low=min(t.price for t in group),
            close=group[-1].price,
            volume=sum((t.amount for t in group), Decimal(0)),
        )
        for start, group in sorted(buckets.items())
    ]


class MarketDataService:
    def __init__(self, accounts: AccountRegistry, exchanger: ExchangerDesk) -> None:
        self.accounts = accounts
        self.exchanger = exchanger

    async def price(self, account: str, pair: str) -> PriceView:
        acc = self.accounts.get(account)
        if isinstance(acc.client, ExchangerClient):
            # the site's markets are its directions: the desk reads only the one asked for
            market, ticker = await self.exchanger.quote(acc.name, pair)
            return PriceView(acc.name, market, ticker)
        market = await acc.client.market(pair)
        return PriceView(acc.name, market, await acc.client.fetch_ticker(market.symbol))

    async def order_book(self, account: str, pair: str, depth: int = 10) -> tuple[Market, OrderBook]:
        acc = self.accounts.get(account)
        market = await acc.client.market(pair)
        book = await acc.client.fetch_order_book(market.symbol, depth)
        return market, book

    async def candles(self, account: str, pair: str, interval: str | None = None) -> CandleSeries:
        acc = self.accounts.get(account)
        interval = normalize_interval(interval)
        market = await acc.client.market(pair)
        since = datetime.now(UTC) - timedelta(seconds=INTERVAL_SECONDS[interval] * CHART_CANDLES)
        if acc.client.has(Capability.FETCH_OHLCV):
            candles = await acc.client.fetch_ohlcv(market.symbol, interval, since=since, limit=CHART_CANDLES)
            return CandleSeries(acc.name, market, interval, candles[-CHART_CANDLES:], from_trades=False)
        trades = [t for t in await acc.client.fetch_trades(market.symbol) if t.timestamp >= since]
        built = candles_from_trades(trades, interval)[-CHART_CANDLES:]
        first = min(
            (t.timestamp for t in trades if built and t.timestamp >= built[0].timestamp), default=None
        )
        return CandleSeries(acc.name, market, interval, built, from_trades=True, first_trade=first)
