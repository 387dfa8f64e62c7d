"""The feed's prices in Redis: the latest per market with its time (for /price, the portfolio and the
alerts), and a rolling window per watched market from which percent moves are measured."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from redis.asyncio import Redis

from services.alerts.conditions import MOVE_PERIOD_S
from services.alerts.store import Move
from services.redis_client import Keys

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Quote:
    price: Decimal
    at: float  # unix time the feed saw it


class PriceBook:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def put_latest(self, account: str, quotes: dict[str, Quote]) -> None:
        if quotes:
            mapping = {symbol: f"{q.price}|{q.at!r}" for symbol, q in quotes.items()}
            await self._redis.hset(self._keys("prices", account), mapping=mapping)  # type: ignore[misc]

    async def latest(self, account: str, symbol: str) -> Quote | None:
        raw = await self._redis.hget(self._keys("prices", account), symbol)  # type: ignore[misc]
        if raw is None:
            return None
        price, _, at = raw.partition("|")
        return Quote(Decimal(price), float(at))

    async def moves(self, account: str, symbol: str, quote: Quote, periods: Sequence[int]) -> list[Move]:
        """Adds the quote to the market's window and measures the move over each period: the rise from
        the lowest price within it, the fall from the highest."""
        key = self._keys("window", account, symbol)
        pipe = self._redis.pipeline(transaction=False)
        pipe.zadd(key, {f"{quote.at!r}|{quote.price}": quote.at})
        pipe.zremrangebyscore(key, "-inf", quote.at - MOVE_PERIOD_S[1])
        if periods:
            pipe.zrangebyscore(key, quote.at - max(periods), "+inf", withscores=True)
        results = await pipe.execute()
        if not periods:
            return []
        window = [(at, Decimal(member.partition("|")[2])) for member, at in results[2]]
        return [_move(period, quote, window) for period in periods]


def _move(period: int, quote: Quote, window: Iterable[tuple[float, Decimal]]) -> Move:
    within = [price for at, price in window if at >= quote.at - period] or [quote.price]
    low, high = min(within), max(within)
    rise = (quote.price / low - 1) * HUNDRED if low > 0 else Decimal(0)
    fall = (1 - quote.price / high) * HUNDRED if high > 0 else Decimal(0)
    return Move(period, max(rise, Decimal(0)), max(fall, Decimal(0)))
