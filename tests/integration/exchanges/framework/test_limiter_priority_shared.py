"""Members' requests before the watchers' polls when the windows are shared through Redis by two bot
copies: the leader polls at full rate, a member's command in the other copy is still served first."""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis

from services.exchanges.ratelimit import RateLimit, RedisRateLimiter, background_requests


async def test_a_member_in_one_copy_is_served_without_queueing_while_the_leader_polls_at_full_rate(
    redis: Redis, key_prefix: str
) -> None:
    limits = [RateLimit("api", 4, 0.3)]
    leader, other = RedisRateLimiter(redis, key_prefix, limits), RedisRateLimiter(redis, key_prefix, limits)
    granted: list[str] = []
    warm = asyncio.Event()

    async def poll_at_full_rate() -> None:
        with background_requests():
            while True:
                await leader.acquire(["api"])
                granted.append("poll")
                if granted.count("poll") >= 3:
                    warm.set()

    watcher = asyncio.create_task(poll_at_full_rate())
    try:
        await warm.wait()  # the leader's polls have used their share of the window and wait for more
        for _ in range(2):  # members queue behind nothing: max_wait=0 refuses any wait
            await other.acquire(["api"], max_wait=0)
    finally:
        watcher.cancel()


async def test_a_member_waiting_in_one_copy_holds_back_a_poll_of_another(
    redis: Redis, key_prefix: str
) -> None:
    limits = [RateLimit("api", 2, 0.3)]
    leader, other = RedisRateLimiter(redis, key_prefix, limits), RedisRateLimiter(redis, key_prefix, limits)
    granted: list[str] = []
    for _ in range(2):
        await other.acquire(["api"])  # members filled the window

    async def ask(limiter: RedisRateLimiter, who: str) -> None:
        await limiter.acquire(["api"])
        granted.append(who)

    answered = asyncio.Event()
    script = leader._script

    async def told_to_wait(**kwargs: Any) -> Any:
        answer = await script(**kwargs)
        answered.set()
        return answer

    leader._script = told_to_wait  # type: ignore[method-assign]
    with background_requests():
        poll = asyncio.create_task(ask(leader, "poll"))
    await answered.wait()  # the poll asked first, and was told to wait for a slot
    await asyncio.gather(ask(other, "member"), poll)
    assert granted == ["member", "poll"]
