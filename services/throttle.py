"""Allow an action at most once per window, across every copy of the bot."""

from __future__ import annotations

from redis.asyncio import Redis

from services.redis_client import Keys


class Throttle:
    """`await throttle.allow(user_id)` is True at most once per `window_s` for a given subject.

    SET NX EX makes the check and the claim one atomic step, so two copies of the bot
    handling the same user at the same moment still let only one through.
    """

    def __init__(self, redis: Redis, keys: Keys, name: str, *, window_s: int) -> None:
        self._redis = redis
        self._keys = keys
        self._name = name
        self._window_s = window_s

    async def allow(self, subject: int | str) -> bool:
        claimed = await self._redis.set(
            self._keys("throttle", self._name, subject), "1", nx=True, ex=self._window_s
        )
        return bool(claimed)
