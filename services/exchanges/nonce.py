"""Nonces that never repeat or go backwards: not after a restart, not with two bot copies running.

The value is ``max(now_ms, last + 1)`` kept atomically in Redis per exchange key, so a restarted process
or a second copy continues above the last nonce any of them used.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from redis.asyncio import Redis


class NonceSource(Protocol):
    async def next(self) -> int:
        """A value greater than every value handed out before for this key."""

    async def advance_past(self, value: int) -> None:
        """The server says it has seen ``value``: never hand out anything at or below it again."""


class MemoryNonceSource:
    """For a single process with no Redis (unit tests, one-off tools)."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = asyncio.Lock()

    async def next(self) -> int:
        async with self._lock:
            self._last = max(int(time.time() * 1000), self._last + 1)
            return self._last

    async def advance_past(self, value: int) -> None:
        async with self._lock:
            self._last = max(self._last, value)


_NEXT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local n = math.max(now, last + 1)
redis.call('SET', KEYS[1], n)
return n
"""

_ADVANCE = """
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > last then redis.call('SET', KEYS[1], ARGV[1]) end
return 0
"""


class RedisNonceSource:
    """Shared by every copy of the bot that signs with the same key. The key is never persisted with a
    TTL: losing it would let the nonce fall back to the clock, which is still ahead of any past value
    unless the clock went backwards."""

    def __init__(self, redis: Redis, key: str) -> None:
        self._key = key
        self._next = redis.register_script(_NEXT)
        self._advance = redis.register_script(_ADVANCE)

    async def next(self) -> int:
        return int(await self._next(keys=[self._key]))

    async def advance_past(self, value: int) -> None:
        await self._advance(keys=[self._key], args=[value])


class ServerClock:
    """Offset between the exchange's clock and ours, for APIs that check a timestamp window."""

    def __init__(self) -> None:
        self.offset_ms = 0
        self.measured = False

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def update(self, server_ms: int, sent_at_ms: int, received_at_ms: int) -> None:
        # the server read its clock about half-way through the round trip
        midpoint = (sent_at_ms + received_at_ms) // 2
        self.offset_ms = server_ms - midpoint
        self.measured = True
