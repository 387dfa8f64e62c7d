"""Telegram's limits kept across bot copies: two copies (two SendLimits on one Redis) share every limit."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from services.outbox.limits import Limits, SendLimits
from services.redis_client import Keys

pytestmark = pytest.mark.integration


async def test_a_chat_sent_to_by_one_copy_waits_in_the_other(redis: Redis, keys: Keys) -> None:
    first, second = SendLimits(redis, keys, Limits()), SendLimits(redis, keys, Limits())
    assert await first.reserve(1001) == (True, 0.0)
    reserved, wait = await second.reserve(1001)
    assert not reserved and wait > 0
    assert (await second.reserve(1002))[0]  # another chat is free


async def test_the_overall_pace_is_shared_and_later_senders_get_later_slots(redis: Redis, keys: Keys) -> None:
    copies = [SendLimits(redis, keys, Limits(per_second=1)) for _ in range(3)]
    slots = [await copy.reserve(2000 + n) for n, copy in enumerate(copies)]
    assert all(reserved for reserved, _ in slots)
    waits = [wait for _, wait in slots]
    assert waits[0] == 0 and 0 < waits[1] < waits[2]


async def test_a_group_gets_twenty_a_minute_and_retry_after_holds_a_chat_everywhere(
    redis: Redis, keys: Keys
) -> None:
    first, second = SendLimits(redis, keys, Limits()), SendLimits(redis, keys, Limits())
    assert (await first.reserve(-100500))[0]
    reserved, wait = await second.reserve(-100500)
    assert not reserved and wait > 1.0  # a group: one message per 3 s, not per second

    await first.hold(1003, 30)
    reserved, wait = await second.reserve(1003)
    assert not reserved and wait > 20
