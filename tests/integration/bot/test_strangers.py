"""Strangers are refused once an hour and told their id; their floods never push the team out of /audit;
/audit filters; groups get at most one line and never data."""

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handlers.views.lang import LanguageChoice
from services.redis_client import Keys
from tests.integration.bot.harness import (
    ADMIN_ID,
    STRANGER_ID,
    TRADER_ID,
    VIEWER_ID,
    Harness,
    build_harness,
    team_config,
)
from tests.integration.bot.telegram_double import callback_update, message_update

pytestmark = pytest.mark.integration

REFUSAL = (
    "Sorry, you are not authorized to use this bot. Your Telegram id is {id}: "
    "an admin of the team can add you with it."
)
WRITE_PRIVATELY = "I answer commands in a private chat only: write to me privately."
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "ops"}


@pytest.fixture
async def harness(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[Harness]:
    built = build_harness(team_config(key_prefix), redis, keys)
    yield built
    await built.close()


async def _team_activity(harness: Harness) -> None:
    """Entries a team makes: a language choice, a time zone, a refused command."""
    await harness.feed(callback_update(TRADER_ID, LanguageChoice(code="en").pack()))
    await harness.feed(message_update(VIEWER_ID, "/tz Asia/Jakarta"))
    await harness.feed(message_update(VIEWER_ID, "/audit"))


async def _audit_reply(harness: Harness, args: str = "") -> str:
    harness.session.clear()
    await harness.feed(message_update(ADMIN_ID, f"/audit {args}".strip()))
    [text] = harness.session.sent_texts(ADMIN_ID)
    return text


async def test_a_flood_of_strangers_never_pushes_team_entries_out_of_audit(harness: Harness) -> None:
    await _team_activity(harness)
    strangers = range(5000, 5025)
    for _ in range(20):
        for stranger in strangers:
            await harness.feed(message_update(stranger, "let me in"))

    text = await _audit_reply(harness)
    assert "<b>lang.set</b> tom (1002)" in text
    assert "<b>tz.set</b> vera (1003)" in text
    assert "<b>access_denied</b> vera (1003)" in text
    assert "unauthorized" not in text


async def test_each_stranger_makes_one_entry_per_window_with_a_count(harness: Harness) -> None:
    strangers = range(5000, 5025)
    for _ in range(20):
        for stranger in strangers:
            await harness.feed(message_update(stranger, "let me in"))

    entries = await harness.services.audit.strangers(100)
    assert sorted(entry.actor_id for entry in entries) == list(strangers)
    assert {entry.count for entry in entries} == {20}
    assert {entry.details["text"] for entry in entries} == {"let me in"}


async def test_a_stranger_is_refused_once_an_hour_and_told_their_id(harness: Harness, redis: Redis) -> None:
    for text in ("/start", "/balance", "hello", "/audit"):
        await harness.feed(message_update(STRANGER_ID, text))
    await harness.feed(callback_update(STRANGER_ID, LanguageChoice(code="ru").pack()))

    assert harness.session.sent_texts(STRANGER_ID) == [REFUSAL.format(id=STRANGER_ID)]
    assert harness.session.alerts() == []  # the button press came within the same hour
    # the window that counts this stranger's attempts lasts an hour from the first one
    window_s = await redis.ttl(harness.services.keys("audit", "stranger", STRANGER_ID))
    assert 3500 < window_s <= 3600


async def test_the_refusal_is_in_the_strangers_telegram_language(harness: Harness) -> None:
    await harness.feed(message_update(STRANGER_ID, "/start", language_code="ru"))
    assert harness.session.sent_texts(STRANGER_ID) == [
        "Извините, у вас нет доступа к этому боту. Ваш Telegram id — 666: "
        "по нему администратор команды может вас добавить."
    ]


async def test_audit_shows_the_team_unless_asked_for_strangers(harness: Harness) -> None:
    await _team_activity(harness)
    for _ in range(3):
        await harness.feed(message_update(STRANGER_ID, "<b>let me in</b>"))

    team = await _audit_reply(harness, "team")
    assert team == await _audit_reply(harness)
    assert "unauthorized" not in team and "lang.set" in team

    strangers = await _audit_reply(harness, "strangers")
    assert strangers.startswith("Latest attempts by people outside the team")
    assert "<b>unauthorized</b> 666 <i>attempts: 3, the first at " in strangers
    assert "&lt;b&gt;let me in&lt;/b&gt;" in strangers
    assert "lang.set" not in strangers


async def test_audit_filters_by_member(harness: Harness) -> None:
    await _team_activity(harness)
    text = await _audit_reply(harness, "vera")
    assert text.startswith("Latest audit log entries of vera:")
    assert "<b>tz.set</b> vera (1003)" in text and "<b>access_denied</b> vera (1003)" in text
    assert "tom" not in text
    assert await _audit_reply(harness, str(VIEWER_ID)) == text


async def test_audit_filters_by_kind(harness: Harness) -> None:
    await _team_activity(harness)
    text = await _audit_reply(harness, "access_denied")
    assert text.startswith("Latest audit log entries of kind access_denied:")
    assert "<b>access_denied</b> vera (1003)" in text
    assert "tz.set" not in text and "lang.set" not in text


async def test_audit_names_the_filters_it_knows_when_given_another(harness: Harness) -> None:
    await _team_activity(harness)
    text = await _audit_reply(harness, "bogus")
    assert text == (
        "Unknown filter bogus. Use /audit [team|strangers|MEMBER|KIND]. "
        "Members: alice, tom, vera. Kinds: access_denied, lang.set, tz.set. "
        "Accounts: —. /audit verify checks that no entry was changed or removed; "
        "/audit export sends every entry as a CSV document."
    )


async def test_audit_says_when_a_filter_matches_nothing(harness: Harness) -> None:
    await _team_activity(harness)
    assert await _audit_reply(harness, "strangers") == "No audit log entries match this filter."


async def test_balance_in_a_group_gets_one_line_pointing_to_the_private_chat_and_no_data(
    harness: Harness,
) -> None:
    for text in ("/balance", "/portfolio", "/audit", "/start"):
        await harness.feed(message_update(ADMIN_ID, text, chat=GROUP))
    await harness.feed(message_update(STRANGER_ID, "/balance", chat=GROUP))

    assert harness.session.sent_texts() == [WRITE_PRIVATELY]
    assert harness.session.sent_texts(GROUP["id"]) == [WRITE_PRIVATELY]
    assert [entry.action for entry in await harness.services.audit.latest()] == []


async def test_plain_text_in_a_group_gets_no_answer(harness: Harness) -> None:
    await harness.feed(message_update(ADMIN_ID, "hello everyone", chat=GROUP))
    assert harness.session.calls == []
