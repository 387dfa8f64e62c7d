"""Reads shared by members and by bot copies: one request in flight per read, its answer reused briefly.

Identical reads join one flight. Within a process they await the same task; across bot copies on one
Redis the first copy takes a lease, fetches and stores the answer, and the others wait for that answer
instead of asking the exchange again. An answer counts as fresh for ``max_age_s``; it is kept longer, so
that when an exchange's limit refuses a read, the last data stands in, with its time and the wait.
Values are stored as pydantic JSON, which writes Decimals as strings: no precision is lost.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter
from redis.asyncio import Redis

from services.exchanges import errors
from services.redis_client import Keys

T = TypeVar("T")

# a lease outlives the longest read (client retries and a limiter's wait), so a copy that dies
# holding one blocks the others for at most this long
LEASE_S = 60.0
# how long an answer stays as a stand-in for a refused read, and how long a screen can page on it
KEEP_S = 900.0
POLL_S = 0.05

# the lease is deleted only by the flight that holds it
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class Freshness:
    """When data was fetched, and whether it is older data standing in for this reply."""

    fetched_at: datetime
    cached: bool = False  # fetched for an earlier reply, not for this one
    refused: errors.RateLimited | None = None  # a limit refused the new read: this is the last data

    @staticmethod
    def oldest(parts: Iterable[Freshness | None]) -> Freshness | None:
        """A screen is as old as its oldest part; a refusal anywhere on it is shown."""
        known = [p for p in parts if p is not None]
        if not known:
            return None
        oldest = min(known, key=lambda p: p.fetched_at)
        refusals = [p.refused for p in known if p.refused is not None]
        refused = max(refusals, key=lambda r: r.retry_after or 0) if refusals else None
        return Freshness(oldest.fetched_at, any(p.cached for p in known), refused)


@dataclass(frozen=True)
class Fetched(Generic[T]):
    value: T
    freshness: Freshness


@dataclass(frozen=True)
class _Stored(Generic[T]):
    value: T | None
    fetched_at: datetime | None
    flight: str
    refused_until: float | None  # epoch seconds
    exchange: str

    def fetched(self, *, cached: bool = True, refused: errors.RateLimited | None = None) -> Fetched[T] | None:
        if self.value is None or self.fetched_at is None:
            return None
        return Fetched(self.value, Freshness(self.fetched_at, cached=cached, refused=refused))

    def refusal(self) -> errors.RateLimited | None:
        if self.refused_until is None or self.refused_until <= time.time():
            return None
        wait = self.refused_until - time.time()
        return errors.RateLimited("request limit reached", retry_after=wait, exchange=self.exchange)


class SharedReads:
    """Needs a Redis client that decodes answers to str, as ``create_redis`` makes."""

    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        *,
        max_age_s: float = 5.0,
        keep_s: float = KEEP_S,
        lease_s: float = LEASE_S,
        poll_s: float = POLL_S,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self.max_age_s = max_age_s
        self._keep_ms = int(keep_s * 1000)
        self._lease_s = lease_s
        self._poll_s = poll_s
        self._release = redis.register_script(_RELEASE)
        self._flights: dict[str, asyncio.Task[Any]] = {}

    async def read(
        self,
        name: str,
        shape: TypeAdapter[T],
        fetch: Callable[[], Awaitable[T]],
        *,
        exchange: str = "",
        fresh: bool = False,
    ) -> Fetched[T]:
        """The value of read ``name`` (the same name means the same data), fetched at most once at a time.

        ``fresh``: no stored answer will do (a Refresh), though a read already in flight is still joined.
        ``exchange`` names who refused, when a limit does and a stored value stands in.
        """
        flight = self._flights.get(name)
        if flight is None:
            max_age_s = 0.0 if fresh else self.max_age_s
            flight = asyncio.ensure_future(self._read(name, shape, fetch, exchange, max_age_s))
            self._flights[name] = flight
            flight.add_done_callback(lambda done: self._landed(name, done))
        # a caller that gives up (its own timeout) must not cancel the flight the others wait for
        result: Fetched[T] = await asyncio.shield(flight)
        return result

    def _landed(self, name: str, flight: asyncio.Task[Any]) -> None:
        self._flights.pop(name, None)
        if not flight.cancelled():
            flight.exception()  # retrieved here too, so a flight nobody awaits any more logs nothing

    async def _read(
        self,
        name: str,
        shape: TypeAdapter[T],
        fetch: Callable[[], Awaitable[T]],
        exchange: str,
        max_age_s: float,
    ) -> Fetched[T]:
        result_key, lease_key = self._keys("read", name), self._keys("read", name, "lease")
        asked_at = datetime.now(UTC)
        while True:
            stored = await self._load(result_key, shape)
            if stored is not None:
                answered = self._answer_from(stored, asked_at, max_age_s)
                if answered is not None:
                    return answered
            token = secrets.token_hex(8)
            if await self._redis.set(lease_key, token, nx=True, px=int(self._lease_s * 1000)):
                try:
                    return await self._fetch(result_key, token, stored, shape, fetch, exchange)
                finally:
                    await self._release(keys=[lease_key], args=[token])
            joined = await self._join(result_key, lease_key, shape)
            if joined is not None:
                return joined
            # the flight we waited for ended without an answer: try again, maybe as the leader

    def _answer_from(self, stored: _Stored[T], asked_at: datetime, max_age_s: float) -> Fetched[T] | None:
        """A stored answer that may serve this read, or None when it must be fetched.

        One fetched after the read was asked (by a flight that ended just before we could join it) is as
        new as a fetch of our own would be.
        """
        refusal = stored.refusal()
        if refusal is not None:  # the limit said when to come back: asking sooner only waits
            fetched = stored.fetched(refused=refusal)
            if fetched is None:
                raise refusal
            return fetched
        if stored.fetched_at is None:
            return None
        if stored.fetched_at >= asked_at:
            return stored.fetched(cached=False)
        age = (datetime.now(UTC) - stored.fetched_at).total_seconds()
        return stored.fetched() if age <= max_age_s else None

    async def _fetch(
        self,
        result_key: str,
        token: str,
        stored: _Stored[T] | None,
        shape: TypeAdapter[T],
        fetch: Callable[[], Awaitable[T]],
        exchange: str,
    ) -> Fetched[T]:
        try:
            async with asyncio.timeout(self._lease_s):  # the lease never outlives its fetch
                value = await fetch()
        except TimeoutError:
            raise errors.RequestTimeout("timed out", exchange=exchange) from None
        except errors.RateLimited as exc:
            await self._store_refusal(result_key, token, exc, exchange)
            last = stored.fetched(refused=exc) if stored is not None else None
            if last is None:
                raise
            return last
        fetched_at = datetime.now(UTC)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                result_key,
                mapping={
                    "value": shape.dump_json(value, exclude_computed_fields=True).decode(),
                    "at": fetched_at.isoformat(),
                    "flight": token,
                    "refused_until": "",
                    "exchange": exchange,
                },
            )
            pipe.pexpire(result_key, self._keep_ms)
            await pipe.execute()
        return Fetched(value, Freshness(fetched_at))

    async def _store_refusal(
        self, result_key: str, token: str, exc: errors.RateLimited, exchange: str
    ) -> None:
        # waiters of this flight, and later reads until the wait is over, get the last data at once
        until = time.time() + (exc.retry_after or 0)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                result_key,
                mapping={"flight": token, "refused_until": repr(until), "exchange": exc.exchange or exchange},
            )
            pipe.pexpire(result_key, self._keep_ms)
            await pipe.execute()

    async def _join(self, result_key: str, lease_key: str, shape: TypeAdapter[T]) -> Fetched[T] | None:
        """Wait for the flight holding the lease; None when it ended without an answer for us."""
        leader = await self._redis.get(lease_key)
        while leader is not None:
            await asyncio.sleep(self._poll_s)
            stored = await self._load(result_key, shape)
            if stored is not None and stored.flight == leader:
                refusal = stored.refusal()
                if refusal is None:  # fetched for this flight, so for us too: not an older answer
                    return stored.fetched(cached=False)
                fetched = stored.fetched(refused=refusal)
                if fetched is None:
                    raise refusal
                return fetched
            if await self._redis.get(lease_key) != leader:
                return None
        return None

    async def _load(self, key: str, shape: TypeAdapter[T]) -> _Stored[T] | None:
        raw: dict[str, str] = await self._redis.hgetall(key)  # type: ignore[misc]
        if not raw:
            return None
        value = shape.validate_json(raw["value"]) if raw.get("value") else None
        return _Stored(
            value=value,
            fetched_at=datetime.fromisoformat(raw["at"]) if raw.get("at") else None,
            flight=raw.get("flight", ""),
            refused_until=float(raw["refused_until"]) if raw.get("refused_until") else None,
            exchange=raw.get("exchange", ""),
        )
