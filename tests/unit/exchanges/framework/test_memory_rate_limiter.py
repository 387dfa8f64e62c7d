import asyncio
import time

import pytest

from services.exchanges.ratelimit import MemoryRateLimiter, RateLimit, WaitTooLong


async def test_never_more_than_the_limit_in_any_window() -> None:
    limiter = MemoryRateLimiter([RateLimit("all", 5, 0.2)])
    stamps: list[float] = []

    async def one() -> None:
        await limiter.acquire(["all"])
        stamps.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(15)))
    stamps.sort()
    for i in range(len(stamps) - 5):
        assert stamps[i + 5] - stamps[i] >= 0.2 - 1e-3


async def test_template_limits_count_each_pair_apart() -> None:
    limiter = MemoryRateLimiter([RateLimit("trade:*", 1, 10)])
    started = time.monotonic()
    await limiter.acquire(["trade:btc_idr"])
    await limiter.acquire(["trade:eth_idr"])  # another pair: its own bucket, no wait
    assert time.monotonic() - started < 1


async def test_a_blocked_bucket_waits_out_the_penalty() -> None:
    limiter = MemoryRateLimiter([])
    await limiter.block("trade:btc_idr", 0.15)
    started = time.monotonic()
    await limiter.acquire(["trade:btc_idr"])
    assert time.monotonic() - started >= 0.14


async def test_a_wait_longer_than_allowed_is_refused_at_once() -> None:
    limiter = MemoryRateLimiter([RateLimit("wallet", 1, 60)])
    await limiter.acquire(["wallet"])
    started = time.monotonic()
    with pytest.raises(WaitTooLong) as caught:
        await limiter.acquire(["wallet"], max_wait=1)
    assert time.monotonic() - started < 0.5
    assert 59 < caught.value.wait <= 60


async def test_two_limits_on_one_bucket_both_hold() -> None:
    # the exchanger's own declaration: "at most 3 calls a second and 90 a minute per key"
    limiter = MemoryRateLimiter([RateLimit("api", 3, 0.3), RateLimit("api", 5, 60)])
    started = time.monotonic()
    for _ in range(3):  # the short window admits 3 at once (it admitted only 2 when both shared one)
        await limiter.acquire(["api"])
    assert time.monotonic() - started < 0.2
    await limiter.acquire(["api"])
    await limiter.acquire(["api"])  # 5 in the minute: the long window is now full
    with pytest.raises(WaitTooLong) as caught:  # (it was never enforced: the short window forgot)
        await limiter.acquire(["api"], max_wait=1)
    assert caught.value.wait > 59
