"""How old the price feed's newest price is, per exchange, for /healthz.

The feed (services/alerts) keeps each account's latest prices in the hash `<prefix>:prices:<account>`,
one field per market, valued "PRICE|UNIX_TIME". An exchange's age is that of its freshest price.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from redis.asyncio import Redis

from services.accounts import AccountRegistry
from services.redis_client import Keys


class FeedAges:
    def __init__(
        self, redis: Redis, keys: Keys, accounts: AccountRegistry, clock: Callable[[], float] = time.time
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._accounts = accounts
        self._clock = clock

    async def ages(self) -> dict[str, float | None]:
        """Seconds since each configured exchange's newest price; None when the feed has none."""
        newest: dict[str, float | None] = {}
        for account in self._accounts:
            values: list[str] = await self._redis.hvals(self._keys("prices", account.name))  # type: ignore[misc]
            seen = [float(at) for value in values if (at := value.rpartition("|")[2])]
            best = max(seen, default=None)
            known = newest.get(account.exchange)
            newest[account.exchange] = best if known is None or (best is not None and best > known) else known
        now = self._clock()
        return {
            exchange: None if at is None else round(max(0.0, now - at), 1) for exchange, at in newest.items()
        }
