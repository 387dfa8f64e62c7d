"""Nonces and rate-limit windows shared by several bot copies through one Redis."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from services.exchanges.nonce import RedisNonceSource
from services.exchanges.ratelimit import RateLimit, RedisRateLimiter, WaitTooLong


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:6379/0")
    yield client
    await client.aclose()


@pytest.fixture
def ns() -> str:
    return f"test:{uuid.uuid4().hex}"


async def test_two_copies_never_share_or_reverse_a_nonce(redis: Redis, ns: str) -> None:
    first, second = RedisNonceSource(redis, f"{ns}:nonce"), RedisNonceSource(redis, f"{ns}:nonce")
    results = await asyncio.gather(*(src.next() for _ in range(200) for src in (first, second)))
    assert len(set(results)) == len(results)
    assert all(n >= int(time.time() * 1000) - 60_000 for n in results)


async def test_nonce_keeps_growing_after_a_restart(redis: Redis, ns: str) -> None:
    before = RedisNonceSource(redis, f"{ns}:nonce")
    await before.advance_past(int(time.time() * 1000) + 10_000_000)  # a server said "greater than X"
    last = await before.next()
    after = RedisNonceSource(redis, f"{ns}:nonce")  # a new process, same key
    assert await after.next() > last


async def test_copies_together_respect_one_window(redis: Redis, ns: str) -> None:
    limits = [RateLimit("all", 5, 0.3)]
    copies = [RedisRateLimiter(redis, ns, limits) for _ in range(3)]
    stamps: list[float] = []

    async def one(limiter: RedisRateLimiter) -> None:
        await limiter.acquire(["all"])
        stamps.append(time.monotonic())

    await asyncio.gather(*(one(copies[i % 3]) for i in range(15)))
    stamps.sort()
    for i in range(len(stamps) - 5):
        # a 20 ms tolerance covers the gap between Redis' clock and ours
        assert stamps[i + 5] - stamps[i] >= 0.3 - 0.02


async def test_a_block_set_by_one_copy_holds_for_the_others(redis: Redis, ns: str) -> None:
    one, other = RedisRateLimiter(redis, ns, []), RedisRateLimiter(redis, ns, [])
    await one.block("trade:btc_idr", 0.2)
    started = time.monotonic()
    await other.acquire(["trade:btc_idr"])
    assert time.monotonic() - started >= 0.15


async def test_a_shared_window_refuses_a_wait_longer_than_allowed(redis: Redis, ns: str) -> None:
    one, other = (RedisRateLimiter(redis, ns, [RateLimit("wallet", 1, 60)]) for _ in range(2))
    await one.acquire(["wallet"])
    with pytest.raises(WaitTooLong):
        await other.acquire(["wallet"], max_wait=1)
