"""The withdrawals members confirmed through the bot, for /withdrawals: each as it stands (awaiting
approval, sent, done, rejected...) with the exchange's id and the txid once known. A request previewed but
never confirmed is not one."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from services.actions.records import Action
from services.actions.store import ActionStore
from services.redis_client import Keys

# well past any look back of /withdrawals (history_days)
KEEP_S = 40 * 86_400


class WithdrawalRequests:
    def __init__(self, redis: Redis, keys: Keys, store: ActionStore) -> None:
        self._redis = redis
        self._key = keys("wd-requests")  # action id -> when it was confirmed
        self._store = store

    async def add(self, action_id: str) -> None:
        now = time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(self._key, {action_id: now})
            pipe.zremrangebyscore(self._key, "-inf", now - KEEP_S)
            await pipe.execute()

    async def since(self, since: float, account: str | None = None) -> list[Action]:
        """Confirmed at ``since`` or later (on ``account`` when given), newest first."""
        ids: list[str] = await self._redis.zrevrangebyscore(self._key, "+inf", since)
        found = [await self._store.get(action_id) for action_id in ids]
        return [a for a in found if a is not None and (account is None or a.account == account)]
