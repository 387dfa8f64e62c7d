"""What the middlewares know of an update's user is read in one Redis round trip, and never stale."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from handlers.views.lang import LanguageChoice
from services.redis_client import Keys
from tests.integration.bot.harness import ADMIN_ID, VIEWER_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import callback_update, message_update

pytestmark = pytest.mark.integration


class RoundTrips:
    """Counts what a Redis client sends: one entry per command, one per pipeline."""

    def __init__(self, redis: Redis, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[str] = []
        execute_command = redis.execute_command
        pipeline = redis.pipeline

        async def counted_command(*args: Any, **options: Any) -> Any:
            self.sent.append(str(args[0]))
            return await execute_command(*args, **options)

        def counted_pipeline(*args: Any, **options: Any) -> Any:
            pipe = pipeline(*args, **options)
            execute = pipe.execute

            async def counted_execute(*more: Any, **more_options: Any) -> Any:
                self.sent.append("pipeline")
                return await execute(*more, **more_options)

            monkeypatch.setattr(pipe, "execute", counted_execute)
            return pipe

        monkeypatch.setattr(redis, "execute_command", counted_command)
        monkeypatch.setattr(redis, "pipeline", counted_pipeline)


@pytest.fixture
async def two_copies(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[tuple[Harness, Harness]]:
    first = build_harness(team_config(key_prefix), redis, keys)
    second = build_harness(team_config(key_prefix), redis, keys)
    yield first, second
    await first.close()
    await second.close()


async def test_a_members_update_costs_the_middlewares_one_read_besides_its_lock(
    redis: Redis, keys: Keys, key_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = build_harness(team_config(key_prefix), redis, keys)
    try:
        ours, fsm = RoundTrips(redis, monkeypatch), RoundTrips(harness.storage.redis, monkeypatch)
        await harness.feed(message_update(ADMIN_ID, "/help"))  # a handler that touches no Redis
    finally:
        await harness.close()
    assert harness.session.sent_texts(ADMIN_ID)
    # state, language, time zone and the outbox's blocked mark together; no unblock write
    assert ours.sent == ["pipeline"]
    assert fsm.sent == ["SET", "EVALSHA"]  # the member's update lock (bot.update_isolation), taken and let go


async def test_a_language_chosen_through_one_copy_is_used_by_the_other_on_the_next_update(
    two_copies: tuple[Harness, Harness],
) -> None:
    first, second = two_copies
    await second.feed(message_update(ADMIN_ID, "/start"))  # the second copy has seen the member before
    await first.feed(callback_update(ADMIN_ID, LanguageChoice(code="ru").pack()))
    second.session.clear()
    await second.feed(message_update(ADMIN_ID, "/start"))
    assert second.session.sent_texts(ADMIN_ID)[0].startswith("Здравствуйте, alice!")


async def test_a_time_zone_chosen_through_one_copy_is_used_by_the_other_on_the_next_update(
    two_copies: tuple[Harness, Harness],
) -> None:
    first, second = two_copies
    await second.feed(message_update(VIEWER_ID, "/tz"))
    assert "Asia/Jakarta" not in second.session.sent_texts(VIEWER_ID)[0]
    await first.feed(message_update(VIEWER_ID, "/tz Asia/Jakarta"))
    second.session.clear()
    await second.feed(message_update(VIEWER_ID, "/tz"))
    assert second.session.sent_texts(VIEWER_ID) == [
        "Times are shown in Asia/Jakarta. Change with /tz ZONE, for example /tz Europe/Istanbul."
    ]
