"""Per-user preferences kept in Redis."""

from __future__ import annotations

from redis.asyncio import Redis

from services.redis_client import Keys


class UserSettings:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def get_language(self, user_id: int) -> str | None:
        """The language the user chose with /lang, or None if they never chose."""
        value: str | None = await self._redis.get(self._keys("lang", user_id))
        return value

    async def set_language(self, user_id: int, language: str) -> None:
        await self._redis.set(self._keys("lang", user_id), language)
