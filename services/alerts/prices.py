"""The feed's prices in Redis: the latest per market with its time (for the alerts and /healthz), and the
whole latest ticker per market (for /price and the portfolio, while it is fresh). The alert store keeps
the rolling windows from which percent moves are measured.

Keys: ``prices:<account>`` market -> "PRICE|UNIX_TIME"; ``tickers:<account>`` market ->
"UNIX_TIME|TICKER_JSON" (a full round replaces the whole hash, so a market the exchange dropped goes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from redis.asyncio import Redis

from services.exchanges.models import Ticker
from services.pricing import ticker_price
from services.redis_client import Keys


@dataclass(frozen=True, slots=True)
class Quote:
    price: Decimal
    at: float  # unix time the feed saw it


@dataclass(frozen=True, slots=True)
class FedTicker:
    ticker: Ticker
    at: float  # unix time the feed saw it


def _fed(raw: str) -> FedTicker:
    at, _, body = raw.partition("|")
    return FedTicker(Ticker.model_validate_json(body), float(at))


class PriceBook:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def put_latest(
        self, accounts: Sequence[str], tickers: Iterable[Ticker], at: float, *, whole_round: bool
    ) -> dict[str, Quote]:
        """Keeps the priced tickers as the accounts' latest; ``whole_round``: every market of the
        exchange (an all-tickers answer), not one stream tick. Returns their quotes by market."""
        quotes: dict[str, Quote] = {}
        bodies: dict[str, str] = {}
        for ticker in tickers:
            price = ticker_price(ticker)
            if price is not None:
                quotes[ticker.symbol] = Quote(price, at)
                bodies[ticker.symbol] = f"{at!r}|{ticker.model_dump_json(exclude_none=True)}"
        if not quotes:
            return quotes
        prices = {symbol: f"{q.price}|{q.at!r}" for symbol, q in quotes.items()}
        # one transaction: a reader never sees a round's hash emptied and not yet filled
        pipe = self._redis.pipeline(transaction=True)
        for account in accounts:
            pipe.hset(self._keys("prices", account), mapping=prices)
            if whole_round:
                pipe.delete(self._keys("tickers", account))
            pipe.hset(self._keys("tickers", account), mapping=bodies)
        await pipe.execute()
        return quotes

    async def latest(self, account: str, symbol: str) -> Quote | None:
        raw = await self._redis.hget(self._keys("prices", account), symbol)  # type: ignore[misc]
        if raw is None:
            return None
        price, _, at = raw.partition("|")
        return Quote(Decimal(price), float(at))

    async def ticker(self, account: str, symbol: str) -> FedTicker | None:
        raw = await self._redis.hget(self._keys("tickers", account), symbol)  # type: ignore[misc]
        return None if raw is None else _fed(raw)

    async def tickers(self, account: str) -> dict[str, FedTicker]:
        raw = await self._redis.hgetall(self._keys("tickers", account))  # type: ignore[misc]
        return {symbol: _fed(value) for symbol, value in raw.items()}


@dataclass(frozen=True, slots=True)
class FedTickers:
    tickers: dict[str, Ticker]
    age_s: float  # of the oldest


class FreshPrices:
    """The feed's tickers while they are younger than one feed interval, with their age: /price and the
    portfolio take them instead of asking the exchange again; older ones are for the exchange to renew."""

    def __init__(self, book: PriceBook, *, max_age_s: float, clock: Callable[[], float] = time.time) -> None:
        self._book = book
        self.max_age_s = max_age_s
        self._clock = clock

    def _age(self, at: float) -> float:
        return max(0.0, self._clock() - at)

    async def ticker(self, account: str, symbol: str) -> tuple[Ticker, float] | None:
        """The market's ticker and its age in seconds, if fresh."""
        fed = await self._book.ticker(account, symbol)
        if fed is None or self._age(fed.at) >= self.max_age_s:
            return None
        return fed.ticker, self._age(fed.at)

    async def tickers(self, account: str) -> FedTickers | None:
        """Every market's ticker, if all are fresh (a market the stream has not ticked lately is not)."""
        fed = await self._book.tickers(account)
        if not fed:
            return None
        age = self._age(min(f.at for f in fed.values()))
        if age >= self.max_age_s:
            return None
        return FedTickers({symbol: f.ticker for symbol, f in fed.items()}, age)
