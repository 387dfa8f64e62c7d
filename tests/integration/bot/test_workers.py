"""The workers lifecycle: background jobs run in exactly one of the copies sharing a Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from redis.asyncio import Redis

from bot.workers import Workers
from services.leader import LeaderLease
from services.redis_client import Keys

pytestmark = pytest.mark.integration

PERIOD_S = 0.4


class RecordingJob:
    name = "recording"

    def __init__(self) -> None:
        self.running = False
        self.starts = 0

    async def start(self) -> None:
        self.running = True
        self.starts += 1

    async def stop(self) -> None:
        self.running = False


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    for _ in range(int(timeout_s / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached")


def copy(redis: Redis, keys: Keys) -> tuple[Workers, RecordingJob]:
    job = RecordingJob()
    return Workers(LeaderLease(redis, keys("leader"), period_s=PERIOD_S), [job]), job


async def test_of_three_copies_one_runs_the_jobs_and_stopping_it_hands_them_over(
    redis: Redis, keys: Keys
) -> None:
    copies = [copy(redis, keys) for _ in range(3)]
    for workers, _ in copies:
        await workers.start()
    try:
        await until(lambda: any(job.running for _, job in copies))
        await asyncio.sleep(PERIOD_S * 2)  # several renewals later, still one
        assert [job.running for _, job in copies].count(True) == 1
        leader = next(w for w, job in copies if job.running)
        await leader.stop()
        rest = [(w, job) for w, job in copies if w is not leader]
        await until(lambda: any(job.running for _, job in rest))
        assert [job.running for _, job in copies].count(True) == 1
    finally:
        for workers, _ in copies:
            await workers.stop()
    assert not any(job.running for _, job in copies)


async def test_a_leader_that_loses_its_lease_stops_its_jobs(redis: Redis, keys: Keys) -> None:
    workers, job = copy(redis, keys)
    await workers.start()
    try:
        await until(lambda: job.running)
        # another copy's lease replaces ours, as after a pause longer than the TTL
        await redis.set(keys("leader"), "someone-else", px=60_000)
        await until(lambda: not job.running)
        assert not workers.leading
    finally:
        await workers.stop()
    assert await redis.get(keys("leader")) == "someone-else"  # stop() never drops another's lease
