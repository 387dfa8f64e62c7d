"""Prices, order books and candles of one account's exchange, as the chat asks for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.accounts import AccountRegistry
from services.alerts.prices import FreshPrices
from services.exchanger_desk import ExchangerDesk
from services.exchanges import candles, errors
from services.exchanges.base import INTERVAL_SECONDS, ExchangeClient
from services.exchanges.capabilities import Capability
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.models import Candle, Market, OrderBook, Ticker

CHART_CANDLES = 60
#: an interval an exchange lacks, built from a shorter one it has
MERGED_FROM = {"1w": "1d"}
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
    feed_age_s: float | None = None  # from the price feed, this many seconds old; None: asked just now


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


class MarketDataService:
    def __init__(
        self, accounts: AccountRegistry, exchanger: ExchangerDesk, fresh: FreshPrices | None = None
    ) -> None:
        self.accounts = accounts
        self.exchanger = exchanger
        self.fresh = fresh

    async def price(self, account: str, pair: str) -> PriceView:
        acc = self.accounts.get(account)
        if isinstance(acc.client, ExchangerClient):
            # the site's markets are its directions: the desk reads only the one asked for
            market, ticker = await self.exchanger.quote(acc.name, pair)
            return PriceView(acc.name, market, ticker)
        market = await acc.client.market(pair)
        fed = None if self.fresh is None else await self.fresh.ticker(acc.name, market.symbol)
        if fed is not None:
            return PriceView(acc.name, market, fed[0], feed_age_s=fed[1])
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
            ohlcv = await _ohlcv(acc.client, market.symbol, interval, since)
            return CandleSeries(acc.name, market, interval, ohlcv[-CHART_CANDLES:], from_trades=False)
        trades = [t for t in await acc.client.fetch_trades(market.symbol) if t.timestamp >= since]
        built = candles.from_trades(trades, INTERVAL_SECONDS[interval])[-CHART_CANDLES:]
        first = min(
            (t.timestamp for t in trades if built and t.timestamp >= built[0].timestamp), default=None
        )
        return CandleSeries(acc.name, market, interval, built, from_trades=True, first_trade=first)


async def _ohlcv(client: ExchangeClient, symbol: str, interval: str, since: datetime) -> list[Candle]:
    """The exchange's candles; an interval it lacks (Narkasa has no week) is merged from a shorter one."""
    try:
        return await client.fetch_ohlcv(symbol, interval, since=since, limit=CHART_CANDLES)
    except errors.NotSupported:
        finer = MERGED_FROM.get(interval)
        if finer is None:
            raise
    factor = INTERVAL_SECONDS[interval] // INTERVAL_SECONDS[finer]
    fine = await client.fetch_ohlcv(symbol, finer, since=since, limit=CHART_CANDLES * factor)
    return candles.merge(fine, INTERVAL_SECONDS[interval])
