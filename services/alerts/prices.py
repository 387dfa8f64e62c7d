"""The feed's latest price per market in Redis, with its time: for /price, the portfolio and the alerts
(the alert store keeps the rolling windows from which percent moves are measured)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from redis.asyncio import Redis

from services.redis_client import Keys


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
