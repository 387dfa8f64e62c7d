"""The scheduler as a leader job: its periodic work runs in the copy holding the lease, one run at a
time, and moves to another copy when the leader stops."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from redis.asyncio import Redis

from bot.scheduler import Scheduler
from bot.workers import Workers
from services.exchanges.ratelimit import Priority, current_priority
from services.leader import LeaderLease
from services.redis_client import Keys

pytestmark = pytest.mark.integration

PERIOD_S = 0.4


async def test_the_scheduled_work_runs_in_the_leader_only_and_moves_when_it_stops(
    redis: Redis, keys: Keys
) -> None:
    runs: Counter[str] = Counter()
    counted = asyncio.Condition()
    stopped: list[str] = []
    copies: dict[str, Workers] = {}
    for name in ("a", "b"):
        scheduler = Scheduler()

        async def work(name: str = name) -> None:
            async with counted:
                runs[name] += 1
                counted.notify_all()

        async def cleanup(name: str = name) -> None:
            stopped.append(name)

        scheduler.every("tick", 0.05, work)
        scheduler.on_stop(cleanup)
        copies[name] = Workers(LeaderLease(redis, keys("leader"), period_s=PERIOD_S), [scheduler])
    for workers in copies.values():
        await workers.start()
    try:
        async with counted:
            await counted.wait_for(lambda: sum(runs.values()) >= 5)
        [leader] = [name for name, w in copies.items() if w.leading]
        assert set(runs) == {leader}
        await copies[leader].stop()
        assert stopped == [leader]
        [other] = set(copies) - {leader}
        async with counted:
            await counted.wait_for(lambda: runs[other] >= 3)
    finally:
        for workers in copies.values():
            await workers.stop()


async def test_a_slow_run_is_never_overlapped_by_the_next() -> None:
    scheduler = Scheduler()
    running, most, done = 0, 0, 0
    finished = asyncio.Condition()

    async def slow() -> None:
        nonlocal running, most, done
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.2)
        running -= 1
        async with finished:
            done += 1
            finished.notify_all()

    scheduler.every("slow", 0.02, slow)
    await scheduler.start()
    try:
        async with finished:
            await finished.wait_for(lambda: done >= 3)
    finally:
        await scheduler.stop()
    assert most == 1


async def test_stopping_ends_a_run_in_progress_without_an_error(caplog: pytest.LogCaptureFixture) -> None:
    # a run left going after the stop would use connections the bot is closing (and log a traceback)
    started, ended = asyncio.Event(), asyncio.Event()

    async def slow() -> None:
        started.set()
        try:
            await asyncio.Event().wait()  # an exchange that never answers
        finally:
            ended.set()

    scheduler = Scheduler()
    scheduler.every("slow", 60, slow)
    await scheduler.start()
    await asyncio.wait_for(started.wait(), 10)
    await scheduler.stop()
    assert ended.is_set()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_scheduled_work_makes_background_requests_that_yield_to_members() -> None:
    seen: asyncio.Queue[Priority] = asyncio.Queue()
    scheduler = Scheduler()

    async def work() -> None:
        await seen.put(current_priority())

    scheduler.every("tick", 60, work)
    await scheduler.start()
    try:
        assert await seen.get() is Priority.BACKGROUND
    finally:
        await scheduler.stop()
    assert current_priority() is Priority.INTERACTIVE  # a member's request, outside any job
