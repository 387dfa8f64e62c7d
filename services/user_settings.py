"""Per-user preferences kept in Redis."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from redis.asyncio import Redis

from services.redis_client import Keys


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def find_timezone(text: str) -> ZoneInfo | None:
    """The zone named ``text`` in any case (asia/jakarta -> Asia/Jakarta), or None.

    Only names from the zone database are looked up: ZoneInfo alone would open any path it is given
    (a folder, ../../etc, a name too long for the file system) and fail in ways no user should see.
    """
    name = _zones_by_folded_name().get(text.strip().casefold())
    return None if name is None else ZoneInfo(name)


@dataclass(frozen=True)
class Preferences:
    """A user's /lang and /tz choices (None where they never chose), as read together."""

    language: str | None
    timezone: ZoneInfo | None


class UserSettings:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    def preference_keys(self, user_id: int) -> tuple[str, str]:
        """The keys of the user's language and time zone, for a caller that reads them in its own
        pipeline beside other keys (one round trip per update); `preferences` reads their values."""
        return self._keys("lang", user_id), self._keys("tz", user_id)

    @staticmethod
    def preferences(language: str | None, zone: str | None) -> Preferences:
        return Preferences(language, find_timezone(zone) if zone else None)

    async def get_language(self, user_id: int) -> str | None:
        """The language the user chose with /lang, or None if they never chose."""
        value: str | None = await self._redis.get(self._keys("lang", user_id))
        return value

    async def set_language(self, user_id: int, language: str) -> None:
        await self._redis.set(self._keys("lang", user_id), language)

    async def get_timezone(self, user_id: int) -> ZoneInfo | None:
        """The zone the user chose with /tz, or None if they never chose (or it no longer exists)."""
        value: str | None = await self._redis.get(self._keys("tz", user_id))
        return find_timezone(value) if value else None

    async def set_timezone(self, user_id: int, zone: ZoneInfo) -> None:
        await self._redis.set(self._keys("tz", user_id), str(zone))
