"""A push queued under a key is queued once, however many times (or copies) tell the same event."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from services.outbox.queue import Outbox, Push
from services.redis_client import Keys

pytestmark = pytest.mark.integration


async def test_a_push_told_again_under_its_key_is_queued_once(redis: Redis, keys: Keys) -> None:
    outbox = Outbox(redis, keys)
    push = Push(1001, ("Deposit on indodax-main: 7.5 USDT",), "deposits")
    queued = await asyncio.gather(
        *(outbox.enqueue(push, once="transfer:indodax-main:7:ok:1001") for _ in range(5))
    )
    assert sum(1 for entry in queued if entry) == 1
    await outbox.enqueue(push, once="transfer:indodax-main:7:ok:-100777")  # another chat: its own push
    await outbox.enqueue(push)  # no key: queued every time
    assert await outbox.depth() == 3
