"""Client-side rate limits, declared per exchange as data and enforced before a request leaves.

A limit is a sliding window: never more than ``limit`` requests in any ``period`` seconds, which is what
exchanges count. Two implementations share one interface: in-process (one bot, unit tests) and Redis
(several bot copies on one account share the exchange's budget, so they must share the window).

Requests have a priority. A member waiting for a reply is interactive (the default); the watchers' and
the feed's polls run inside ``background_requests()`` and yield: a background request takes a slot only
while its windows are less than ``BACKGROUND_SHARE`` full (the rest is kept for members) and no
interactive request is waiting for this limiter, in this copy or, through Redis, in another.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

from redis.asyncio import Redis


@dataclass(frozen=True)
class RateLimit:
    """``key`` names a bucket; a key ending in ``*`` is a template (``trade:*`` -> one bucket per pair)."""

    key: str
    limit: int
    period: float

    def matches(self, bucket: str) -> bool:
        if self.key.endswith("*"):
            return bucket.startswith(self.key[:-1])
        return bucket == self.key


class WaitTooLong(Exception):
    """Our own limiter would hold the request longer than the caller allows: better say so now
    (the caller reports "rate limited, retry in N s") than sit out a minute-long window."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"the rate limit frees a slot in {wait:.1f} s")
        self.wait = wait


class RateLimiter(Protocol):
    async def acquire(self, buckets: Sequence[str], max_wait: float | None = None) -> None:
        """Wait until one more request may go to every bucket, then count it.

        Raises WaitTooLong instead of waiting longer than ``max_wait`` seconds.
        """

    async def block(self, bucket: str, seconds: float) -> None:
        """The exchange told us to stay away from a bucket for a while (429 with a penalty)."""


class Priority(IntEnum):
    INTERACTIVE = 0
    BACKGROUND = 1


#: the part of each window background requests may fill; the rest stays free for members' commands
BACKGROUND_SHARE = 0.5
# an interactive request waiting in one copy holds background requests of every copy back until it has
# had its turn: its mark in Redis outlives its wait by this much
_WANTED_MARGIN_MS = 250

_priority: ContextVar[Priority] = ContextVar("request_priority", default=Priority.INTERACTIVE)


@contextmanager
def background_requests() -> Iterator[None]:
    """Requests made inside (and in tasks started inside) yield to members' requests."""
    token = _priority.set(Priority.BACKGROUND)
    try:
        yield
    finally:
        _priority.reset(token)


def current_priority() -> Priority:
    return _priority.get()


def background_cap(limit: RateLimit) -> int:
    """How many requests of a window background requests may fill (at least one, or they never run)."""
    return max(1, int(limit.limit * BACKGROUND_SHARE))


def _limits_for(limits: Sequence[RateLimit], buckets: Sequence[str]) -> list[tuple[str, RateLimit]]:
    pairs = []
    for bucket in buckets:
        for limit in limits:
            if limit.matches(bucket):
                pairs.append((bucket, limit))
    return pairs


class MemoryRateLimiter:
    def __init__(self, limits: Sequence[RateLimit]) -> None:
        self._limits = list(limits)
        # one window per (bucket, limit): two limits declared on one bucket must both hold
        self._sent: dict[tuple[str, RateLimit], deque[float]] = {}
        self._blocked: dict[str, float] = {}
        # a waiter keeps its turn within its priority: requests of one kind leave in the order they asked
        self._lock = asyncio.Lock()
        self._background_lock = asyncio.Lock()
        self._interactive_waiting = 0
        self._no_interactive_waiting = asyncio.Event()
        self._no_interactive_waiting.set()

    async def acquire(self, buckets: Sequence[str], max_wait: float | None = None) -> None:
        checks = _limits_for(self._limits, buckets)
        if current_priority() is Priority.BACKGROUND:
            await self._acquire_background(buckets, checks, max_wait)
            return
        self._interactive_waiting += 1
        self._no_interactive_waiting.clear()
        try:
            async with self._lock:
                while True:
                    wait = self._wait(buckets, checks, background=False)
                    if wait <= 0:
                        return
                    if max_wait is not None and wait > max_wait:
                        raise WaitTooLong(wait)
                    await asyncio.sleep(wait)
        finally:
            self._interactive_waiting -= 1
            if not self._interactive_waiting:
                self._no_interactive_waiting.set()

    async def _acquire_background(
        self, buckets: Sequence[str], checks: list[tuple[str, RateLimit]], max_wait: float | None
    ) -> None:
        started = time.monotonic()
        async with self._background_lock:
            while True:
                left = None if max_wait is None else max_wait - (time.monotonic() - started)
                if not self._no_interactive_waiting.is_set():
                    try:
                        await asyncio.wait_for(self._no_interactive_waiting.wait(), left)
                    except TimeoutError:
                        raise WaitTooLong(max_wait or 0.0) from None
                    continue
                wait = self._wait(buckets, checks, background=True)
                if wait <= 0:
                    return
                if left is not None and wait > left:
                    raise WaitTooLong(wait)
                await asyncio.sleep(wait)

    def _wait(
        self, buckets: Sequence[str], checks: list[tuple[str, RateLimit]], *, background: bool
    ) -> float:
        """Seconds until a slot frees in every window; zero: the request is counted now."""
        now = time.monotonic()
        wait = max((self._blocked.get(b, 0.0) - now for b in buckets), default=0.0)
        for bucket, limit in checks:
            sent = self._sent.setdefault((bucket, limit), deque())
            while sent and sent[0] <= now - limit.period:
                sent.popleft()
            allowed = background_cap(limit) if background else limit.limit
            if len(sent) >= allowed:
                wait = max(wait, sent[len(sent) - allowed] + limit.period - now)
        if wait <= 0:
            for check in checks:
                self._sent[check].append(now)
        return wait

    async def block(self, bucket: str, seconds: float) -> None:
        self._blocked[bucket] = max(self._blocked.get(bucket, 0.0), time.monotonic() + seconds)


class LimiterPool:
    """In-process windows shared by the clients that name the same owner (one pool per account registry):
    an exchange counting per IP or per account must see one window, not one per key."""

    def __init__(self) -> None:
        self._limiters: dict[tuple[str, tuple[RateLimit, ...]], MemoryRateLimiter] = {}

    def get(self, owner: str, limits: Sequence[RateLimit]) -> MemoryRateLimiter:
        key = (owner, tuple(limits))
        if key not in self._limiters:
            self._limiters[key] = MemoryRateLimiter(limits)
        return self._limiters[key]


# KEYS: the window keys (one per bucket and limit), then the block keys (one per bucket), then the mark
# of an interactive request waiting
# ARGV: number of windows, number of blocks, the limits (a background request's caps), the periods in
# ms, a unique member id, "1" for a background request, the mark's margin in ms
# Returns 0 when the request was counted, else the milliseconds to wait before asking again.
_ACQUIRE = """
local nw = tonumber(ARGV[1])
local nb = tonumber(ARGV[2])
local background = ARGV[4 + 2 * nw] == '1'
local wanted = KEYS[nw + nb + 1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i = 1, nb do
  local ttl = redis.call('PTTL', KEYS[nw + i])
  if ttl > wait then wait = ttl end
end
if background then
  local ttl = redis.call('PTTL', wanted)
  if ttl > wait then wait = ttl end
end
for i = 1, nw do
  local limit = tonumber(ARGV[2 + i])
  local period = tonumber(ARGV[2 + nw + i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - period)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local freeing = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    local w = tonumber(freeing[2]) + period - now
    if w > wait then wait = w end
  end
end
if wait > 0 then
  if not background then
    local hold = wait + tonumber(ARGV[5 + 2 * nw])
    if redis.call('PTTL', wanted) < hold then redis.call('SET', wanted, '1', 'PX', hold) end
  end
  return wait
end
for i = 1, nw do
  local period = tonumber(ARGV[2 + nw + i])
  redis.call('ZADD', KEYS[i], now, ARGV[3 + 2 * nw])
  redis.call('PEXPIRE', KEYS[i], period + 1000)
end
return 0
"""


class RedisRateLimiter:
    """Sliding windows in Redis sorted sets, checked and counted in one script (atomic across copies)."""

    def __init__(self, redis: Redis, namespace: str, limits: Sequence[RateLimit]) -> None:
        self._redis = redis
        self._ns = namespace
        self._limits = list(limits)
        self._script = redis.register_script(_ACQUIRE)

    async def acquire(self, buckets: Sequence[str], max_wait: float | None = None) -> None:
        checks = _limits_for(self._limits, buckets)
        # one window per (bucket, limit): two limits declared on one bucket must both hold
        windows = [f"{self._ns}:win:{b}:{lim.limit}/{lim.period}" for b, lim in checks]
        blocks = [f"{self._ns}:block:{b}" for b in buckets]
        background = current_priority() is Priority.BACKGROUND
        limits = [background_cap(lim) if background else lim.limit for _, lim in checks]
        periods = [int(lim.period * 1000) for _, lim in checks]
        keys = [*windows, *blocks, f"{self._ns}:wanted"]
        while True:
            args: list[int | str] = [len(windows), len(blocks), *limits, *periods, uuid.uuid4().hex]
            args += ["1" if background else "0", _WANTED_MARGIN_MS]
            wait_ms = int(await self._script(keys=keys, args=args))
            if wait_ms <= 0:
                return
            if max_wait is not None and wait_ms / 1000 > max_wait:
                raise WaitTooLong(wait_ms / 1000)
            await asyncio.sleep(wait_ms / 1000)

    async def block(self, bucket: str, seconds: float) -> None:
        await self._redis.set(f"{self._ns}:block:{bucket}", "1", px=max(1, int(seconds * 1000)))
