"""The pages of a screen a member is reading, kept briefly so that Prev/Next cost no exchange request.

Pages are stored as rendered from one round of data, with the time that data was fetched; a short id
in the buttons names them. Only Refresh fetches again.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from redis.asyncio import Redis

from services.exchanges import errors
from services.read_cache import Freshness
from services.redis_client import Keys

# shorter than SharedReads keeps its answers, so a refused Refresh of a screen still has its last data
SCREEN_TTL_S = 600
_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")


class StoredScreen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    pages: list[str]
    # per page, the buttons acting on its rows, as (label, callback data) pairs per button row
    actions: list[list[list[tuple[str, str]]]] = []
    fetched_at: datetime | None = None
    refused_until: float | None = None  # epoch seconds: a limit refused the newest read until then
    exchange: str = ""

    def freshness(self) -> Freshness | None:
        """Pages turned later are the data as it was when the screen was built."""
        if self.fetched_at is None:
            return None
        refused = None
        if self.refused_until is not None and self.refused_until > time.time():
            wait = self.refused_until - time.time()
            refused = errors.RateLimited("request limit reached", retry_after=wait, exchange=self.exchange)
        return Freshness(self.fetched_at, cached=True, refused=refused)


class ScreenPages:
    def __init__(self, redis: Redis, keys: Keys, *, ttl_s: int = SCREEN_TTL_S) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl_s = ttl_s

    async def keep(
        self,
        pages: list[str],
        freshness: Freshness | None,
        actions: list[list[list[tuple[str, str]]]] | None = None,
    ) -> str:
        """Store the pages (and each page's row buttons); the returned id (8 characters) fits in callback
        data."""
        screen_id = secrets.token_urlsafe(6)
        refused = freshness.refused if freshness is not None else None
        stored = StoredScreen(
            pages=pages,
            actions=actions or [],
            fetched_at=freshness.fetched_at if freshness is not None else None,
            refused_until=time.time() + (refused.retry_after or 0) if refused is not None else None,
            exchange=refused.exchange if refused is not None else "",
        )
        await self._redis.set(self._keys("screen", screen_id), stored.model_dump_json(), ex=self._ttl_s)
        return screen_id

    async def load(self, screen_id: str) -> StoredScreen | None:
        """The stored screen, or None when it expired (or the id was never ours)."""
        if not _ID.fullmatch(screen_id):
            return None
        raw = await self._redis.get(self._keys("screen", screen_id))
        return None if raw is None else StoredScreen.model_validate_json(raw)
