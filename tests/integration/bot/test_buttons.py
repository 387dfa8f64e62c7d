"""Every button press is answered: no button keeps spinning, whoever presses it and whatever it carries."""

import logging
import random
import string
from collections.abc import AsyncIterator

import pytest
from aiogram import Router
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery
from redis.asyncio import Redis

from handlers.views.lang import LanguageChoice
from handlers.views.market import PickCb
from handlers.views.paging import View, ViewCb
from services.redis_client import Keys
from services.team import Role
from tests.integration.bot.harness import (
    ADMIN_ID,
    STRANGER_ID,
    TRADER_ID,
    VIEWER_ID,
    Harness,
    build_harness,
    team_config,
)
from tests.integration.bot.telegram_double import callback_update

pytestmark = pytest.mark.integration


@pytest.fixture
async def harness(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[Harness]:
    built = build_harness(team_config(key_prefix), redis, keys)
    yield built
    await built.close()


def _forged_data(rng: random.Random) -> list[str | None]:
    """Callback data a client could send: outdated, forged, truncated, unknown, or none at all."""
    structured = [
        LanguageChoice(code="xx").pack(),
        LanguageChoice(code="ru").pack(),
        "lg",
        "lg:",
        "lg:ru:extra",
        "v:zz::0:",  # a view that does not exist
        ViewCb(view=View.BALANCE, page=-5).pack(),
        ViewCb(view=View.ORDERS, arg="no-such-account", page=3).pack(),
        ViewCb(view=View.PORTFOLIO, arg="!!", page=99999).pack(),
        "v:b::not-a-number",
        "v:b::" + "9" * 50,
        "v",
        PickCb(command="price", account="no-such-account").pack(),
        PickCb(command="nonsense").pack(),
        "pk:::",
        "",
        ":",
        "\x00",
        "🔘" * 16,
        None,
    ]
    alphabet = string.printable + "абв🔘:"
    fuzzed = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 64))) for _ in range(60)]
    prefixed = [f"{prefix}:{text}" for prefix in ("lg", "v", "pk") for text in fuzzed[:20]]
    return [*structured, *fuzzed, *prefixed]


@pytest.mark.parametrize("presser", [ADMIN_ID, TRADER_ID, VIEWER_ID, STRANGER_ID])
async def test_every_forged_or_unmatched_press_is_answered(harness: Harness, presser: int) -> None:
    sent: list[str] = []
    for number, data in enumerate(_forged_data(random.Random(presser))):
        update = callback_update(presser, data)
        if number % 3 == 0:  # a button under an inline message: no chat, no message
            del update["callback_query"]["message"]
            update["callback_query"]["inline_message_id"] = f"inline-{number}"
        sent.append(update["callback_query"]["id"])
        await harness.feed(update)
    answered = harness.session.answered_queries()
    assert [query for query in sent if query not in answered] == []


async def test_an_unmatched_press_is_told_the_button_is_outdated_in_an_alert(harness: Harness) -> None:
    await harness.feed(callback_update(VIEWER_ID, "gone:button"))
    [answer] = [call for call in harness.session.calls if isinstance(call, AnswerCallbackQuery)]
    assert (answer.text, answer.show_alert) == ("This button is too old, send the command again.", True)
    assert harness.session.sent_texts() == []


async def test_a_role_refusal_goes_to_the_presser_as_an_alert_not_into_the_chat(harness: Harness) -> None:
    async def approve(query: CallbackQuery) -> None:
        await query.answer("approved")

    router = Router(name="approvals")
    router.callback_query.register(approve, flags={"role": Role.ADMIN})
    harness.dispatcher.include_router(router)
    group = {"id": -100123, "type": "supergroup", "title": "ops"}

    await harness.feed(callback_update(VIEWER_ID, "approve:1", chat=group))

    [answer] = [call for call in harness.session.calls if isinstance(call, AnswerCallbackQuery)]
    assert (answer.text, answer.show_alert) == ("This needs the admin role.", True)
    assert [call for call in harness.session.calls if isinstance(call, SendMessage)] == []


async def test_a_button_press_in_a_group_counts_for_the_pressers_own_role(harness: Harness) -> None:
    async def approve(query: CallbackQuery) -> None:
        await query.answer("approved")

    router = Router(name="approvals")
    router.callback_query.register(approve, flags={"role": Role.ADMIN})
    harness.dispatcher.include_router(router)
    group = {"id": -100123, "type": "supergroup", "title": "ops"}

    await harness.feed(callback_update(ADMIN_ID, "approve:1", chat=group))

    assert harness.session.alerts() == ["approved"]


async def test_a_strangers_press_is_refused_in_an_alert_and_later_ones_are_answered_silently(
    harness: Harness,
) -> None:
    first, second = callback_update(STRANGER_ID, "lg:ru"), callback_update(STRANGER_ID, "lg:ru")
    await harness.feed(first)
    await harness.feed(second)
    answers = [call for call in harness.session.calls if isinstance(call, AnswerCallbackQuery)]
    assert [(a.callback_query_id, a.show_alert) for a in answers] == [
        (first["callback_query"]["id"], True),
        (second["callback_query"]["id"], None),
    ]
    assert harness.session.sent_texts() == []


async def test_a_double_tap_on_a_language_logs_no_traceback(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    taps = [callback_update(ADMIN_ID, LanguageChoice(code="ru").pack(), message_id=777) for _ in range(2)]
    with caplog.at_level(logging.INFO):
        for tap in taps:
            await harness.feed(tap)
    assert [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR] == []
    assert sorted(harness.session.answered_queries()) == sorted(tap["callback_query"]["id"] for tap in taps)
    assert set(harness.session.sent_texts(ADMIN_ID)) == {"Язык изменён: Русский."}
