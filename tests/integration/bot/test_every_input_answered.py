"""Every message a member sends gets an answer: unknown commands, plain text, bad time zones."""

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from services.redis_client import Keys
from tests.integration.bot.harness import STRANGER_ID, VIEWER_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import message_update

pytestmark = pytest.mark.integration


@pytest.fixture
async def harness(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[Harness]:
    built = build_harness(team_config(key_prefix), redis, keys)
    yield built
    await built.close()


async def test_an_unknown_command_points_to_help(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/frobnicate now"))
    assert harness.session.sent_texts(VIEWER_ID) == [
        "Unknown command /frobnicate. Send /help to see the commands."
    ]


async def test_plain_text_points_to_help_in_the_members_language(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "hello bot", language_code="ru"))
    [reply] = harness.session.sent_texts(VIEWER_ID)
    assert "/help" in reply and reply.startswith("Я отвечаю только на команды")


async def test_a_very_long_unknown_command_is_echoed_shortened(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/" + "x" * 5000))
    [reply] = harness.session.sent_texts(VIEWER_ID)
    assert len(reply) < 200 and "…" in reply


async def test_a_stranger_still_gets_only_the_refusal(harness: Harness) -> None:
    await harness.feed(message_update(STRANGER_ID, "/frobnicate"))
    [refusal] = harness.session.sent_texts(STRANGER_ID)
    assert refusal.startswith("Sorry, you are not authorized to use this bot.")


async def test_time_zone_names_are_case_insensitive(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/tz asia/jakarta"))
    assert harness.session.sent_texts(VIEWER_ID) == ["Done: times are now shown in Asia/Jakarta."]
    zone = await harness.services.user_settings.get_timezone(VIEWER_ID)
    assert str(zone) == "Asia/Jakarta"


@pytest.mark.parametrize("wanted", ["Asia", "../../etc", "a/" * 500, "Europe/../../../etc/passwd", "UTC\x00"])
async def test_anything_but_a_zone_name_is_a_clear_error(harness: Harness, wanted: str) -> None:
    await harness.feed(message_update(VIEWER_ID, f"/tz {wanted}"))
    [reply] = harness.session.sent_texts(VIEWER_ID)
    assert reply.startswith("Unknown time zone ") and "Asia/Jakarta" in reply
    assert len(reply) < 300
    assert await harness.services.user_settings.get_timezone(VIEWER_ID) is None
