"""One signed request in flight per API key.

IncoreX refuses a nonce lower than one it has already seen, so signed requests must reach it in nonce
order: two in flight at once may arrive swapped and the first-signed one is refused. Requests therefore
take turns, within this process and, when Redis is shared, across every copy of the bot using the key.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

POLL_INTERVAL = 0.01


class SigningTurns:
    def __init__(self, redis: Redis | None, key: str, hold_at_most: float) -> None:
        """``hold_at_most``: a copy that dies holding the turn frees it after this many seconds."""
        self._local = asyncio.Lock()
        self._shared = (
            None
            if redis is None
            else redis.lock(key, timeout=hold_at_most, sleep=POLL_INTERVAL, raise_on_release_error=False)
        )

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        async with self._local:
            if self._shared is None:
                yield
                return
            await self._shared.acquire()
            try:
                yield
            finally:
                await self._shared.release()
