"""Members' requests before the watchers' polls on one rate limit (in-process windows); order, not time."""

from __future__ import annotations

import asyncio

from services.exchanges.ratelimit import MemoryRateLimiter, RateLimit, background_requests


async def polling_at_full_rate(limiter: MemoryRateLimiter, granted: list[str], warm: asyncio.Event) -> None:
    with background_requests():
        while True:
            await limiter.acquire(["api"])
            granted.append("poll")
            if granted.count("poll") >= 3:
                warm.set()


async def test_a_members_request_is_served_before_the_next_poll_of_a_watcher_at_full_rate() -> None:
    limiter = MemoryRateLimiter([RateLimit("api", 4, 0.2)])
    granted: list[str] = []
    warm = asyncio.Event()
    watcher = asyncio.create_task(polling_at_full_rate(limiter, granted, warm))
    try:
        await warm.wait()  # the watcher has used its share of the window and waits for more
        asked = len(granted)
        await limiter.acquire(["api"])
        granted.append("member")
        assert granted[asked:] == ["member"]  # no poll went between the member asking and being served
    finally:
        watcher.cancel()


async def test_polls_never_fill_more_than_their_share_of_a_window() -> None:
    limiter = MemoryRateLimiter([RateLimit("api", 4, 60)])
    with background_requests():
        await limiter.acquire(["api"])
        await limiter.acquire(["api"])
        poll = asyncio.create_task(limiter.acquire(["api"]))
    await asyncio.sleep(0)  # the poll asks first
    for _ in range(2):  # the half kept for members is theirs at once
        await limiter.acquire(["api"], max_wait=0)
    assert not poll.done()
    poll.cancel()


async def test_a_member_waiting_for_a_slot_gets_it_before_a_poll_that_asked_first() -> None:
    limiter = MemoryRateLimiter([RateLimit("api", 2, 0.2)])
    granted: list[str] = []
    for _ in range(2):
        await limiter.acquire(["api"])  # members filled the window

    async def ask(who: str) -> None:
        await limiter.acquire(["api"])
        granted.append(who)

    with background_requests():
        poll = asyncio.create_task(ask("poll"))
    await asyncio.sleep(0)  # the poll is queued first
    await asyncio.gather(ask("member"), poll)
    assert granted == ["member", "poll"]
