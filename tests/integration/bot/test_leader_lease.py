"""The Redis leader lease: one holder among the copies, renewed, taken over when the holder is gone."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from services.leader import LeaderLease
from services.redis_client import Keys

pytestmark = pytest.mark.integration


def lease(redis: Redis, keys: Keys, period_s: float = 2.0) -> LeaderLease:
    return LeaderLease(redis, keys("leader"), period_s=period_s)


async def test_of_twenty_copies_claiming_at_once_one_holds_the_lease(redis: Redis, keys: Keys) -> None:
    copies = [lease(redis, keys) for _ in range(20)]
    won = await asyncio.gather(*(copy.claim() for copy in copies))
    assert won.count(True) == 1
    [holder] = [copy for copy, ok in zip(copies, won, strict=True) if ok]
    assert await holder.current_holder() == holder.holder
    assert [copy.held for copy in copies].count(True) == 1


async def test_the_holder_renews_while_the_others_keep_being_refused(redis: Redis, keys: Keys) -> None:
    first, second = lease(redis, keys), lease(redis, keys)
    assert await first.claim()
    for _ in range(3):
        assert await first.claim()
        assert not await second.claim()
    assert first.held and not second.held


async def test_a_lease_nobody_renews_lapses_and_another_copy_takes_it(redis: Redis, keys: Keys) -> None:
    dead, survivor = lease(redis, keys, period_s=0.4), lease(redis, keys, period_s=0.4)
    assert await dead.claim()
    assert not await survivor.claim()
    # the dead copy stops renewing; its key outlives it by at most the TTL (3/4 of the period)
    for _ in range(100):
        if await survivor.claim():
            break
        await asyncio.sleep(survivor.check_interval_s)
    assert await survivor.current_holder() == survivor.holder
    assert not dead.held  # a copy that could not renew in time no longer believes it leads


async def test_the_ttl_and_the_check_interval_add_up_to_one_period(redis: Redis, keys: Keys) -> None:
    # a holder dies right after renewing: its key lives ttl_s more, the next claim comes at most
    # check_interval_s later; together that is the period, so takeover happens within one period
    holder = lease(redis, keys, period_s=8)
    assert await holder.claim()
    pttl = await redis.pttl(holder.key)
    assert 0 < pttl <= 6000
    assert holder.ttl_s + holder.check_interval_s == holder.period_s


async def test_releasing_drops_only_our_own_lease(redis: Redis, keys: Keys) -> None:
    holder, other = lease(redis, keys), lease(redis, keys)
    assert await holder.claim()
    await other.release()
    assert await holder.current_holder() == holder.holder
    await holder.release()
    assert await holder.current_holder() is None
    assert not holder.held
    assert await other.claim()
