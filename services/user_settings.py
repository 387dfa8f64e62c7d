"""Per-user preferences kept in Redis."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

    async def get_timezone(self, user_id: int) -> ZoneInfo | None:
        """The zone the user chose with /tz, or None if they never chose (or it no longer exists)."""
        value: str | None = await self._redis.get(self._keys("tz", user_id))
        if not value:
            return None
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    async def set_timezone(self, user_id: int, zone: ZoneInfo) -> None:
        await self._redis.set(self._keys("tz", user_id), str(zone))
