"""A member the outbox marked as having blocked the bot gets pushes again once they write to it."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from services.outbox.queue import Outbox
from services.redis_client import Keys
from tests.integration.bot.harness import ADMIN_ID, STRANGER_ID, build_harness, team_config
from tests.integration.bot.telegram_double import message_update

pytestmark = pytest.mark.integration


async def test_a_member_who_writes_again_is_no_longer_marked_as_blocking_the_bot(
    redis: Redis, keys: Keys, key_prefix: str
) -> None:
    harness = build_harness(team_config(key_prefix), redis, keys)
    outbox = Outbox(redis, keys)
    await outbox.block(ADMIN_ID)
    await outbox.block(STRANGER_ID)
    try:
        await harness.feed(message_update(ADMIN_ID, "/start"))
        await harness.feed(message_update(STRANGER_ID, "/start"))
    finally:
        await harness.close()
    assert not await outbox.is_blocked(ADMIN_ID)
    assert await outbox.is_blocked(STRANGER_ID)  # strangers get no pushes anyway; nothing to undo
