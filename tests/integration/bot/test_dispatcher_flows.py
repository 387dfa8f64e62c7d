"""The assembled dispatcher on a real Redis: who gets what answer."""

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handlers.views.lang import LanguageChoice
from services.redis_client import Keys
from tests.integration.bot.harness import (
    ADMIN_ID,
    STRANGER_ID,
    VIEWER_ID,
    Harness,
    build_harness,
    team_config,
)
from tests.integration.bot.telegram_double import callback_update, message_update

pytestmark = pytest.mark.integration


@pytest.fixture
async def harness(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[Harness]:
    built = build_harness(team_config(key_prefix), redis, keys)
    yield built
    await built.close()


async def test_start_greets_the_member_by_name_and_role(harness: Harness) -> None:
    await harness.feed(message_update(ADMIN_ID, "/start"))
    assert harness.session.sent_texts(ADMIN_ID) == [
        "Hello, alice! Your role: admin.\nSend /help to see what you can do."
    ]


async def test_help_shows_only_the_commands_the_role_allows(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/help"))
    await harness.feed(message_update(ADMIN_ID, "/help"))
    viewer_help, admin_help = harness.session.sent_texts()
    assert "/start" in viewer_help and "/lang" in viewer_help and "/audit" not in viewer_help
    assert "/audit — Show the latest audit log entries" in admin_help


async def test_a_member_without_the_role_is_told_which_role_is_needed(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/audit"))
    assert harness.session.sent_texts(VIEWER_ID) == ["This needs the admin role."]
    [entry] = await harness.services.audit.latest()
    assert (entry.actor_id, entry.action, entry.details["required"]) == (VIEWER_ID, "access_denied", "admin")


async def test_role_refusal_is_in_the_members_language(harness: Harness) -> None:
    await harness.feed(message_update(VIEWER_ID, "/audit", language_code="ru"))
    assert harness.session.sent_texts(VIEWER_ID) == ["Для этого нужна роль «администратор»."]


async def test_a_stranger_is_refused_in_their_telegram_language(harness: Harness) -> None:
    await harness.feed(message_update(STRANGER_ID, "/start", language_code="tr"))
    assert harness.session.sent_texts(STRANGER_ID) == [
        "Üzgünüz, bu botu kullanma yetkiniz yok. Telegram kimliğiniz 666: "
        "ekibin bir yöneticisi sizi bununla ekleyebilir."
    ]


async def test_a_strangers_button_press_runs_no_handler(harness: Harness) -> None:
    await harness.feed(callback_update(STRANGER_ID, LanguageChoice(code="ru").pack()))
    assert await harness.services.user_settings.get_language(STRANGER_ID) is None
    # to the presser only, as an alert: never into the chat the button is in
    assert harness.session.alerts() == [
        "Sorry, you are not authorized to use this bot. Your Telegram id is 666: "
        "an admin of the team can add you with it."
    ]
    assert harness.session.sent_texts() == []


async def test_unsupported_telegram_language_falls_back_to_english(harness: Harness) -> None:
    await harness.feed(message_update(ADMIN_ID, "/start", language_code="de"))
    assert harness.session.sent_texts(ADMIN_ID)[0].startswith("Hello, alice!")


async def test_telegram_language_is_used_until_the_member_chooses(harness: Harness) -> None:
    await harness.feed(message_update(ADMIN_ID, "/start", language_code="id"))
    assert harness.session.sent_texts(ADMIN_ID)[0] == (
        "Halo, alice! Peran Anda: admin.\nKirim /help untuk melihat apa yang dapat Anda lakukan."
    )


async def test_lang_offers_the_four_languages(harness: Harness) -> None:
    await harness.feed(message_update(ADMIN_ID, "/lang"))
    [call] = harness.session.calls
    markup = getattr(call, "reply_markup", None)
    assert markup is not None
    labels = [button.text for row in markup.inline_keyboard for button in row]
    assert labels == ["✓ English", "Русский", "Bahasa Indonesia", "Türkçe"]


async def test_choosing_a_language_is_stored_and_used_for_the_next_replies(harness: Harness) -> None:
    await harness.feed(callback_update(ADMIN_ID, LanguageChoice(code="ru").pack()))
    assert harness.session.sent_texts(ADMIN_ID) == ["Язык изменён: Русский."]
    assert await harness.services.user_settings.get_language(ADMIN_ID) == "ru"
    harness.session.clear()
    # The stored choice wins over the Telegram app language.
    await harness.feed(message_update(ADMIN_ID, "/start", language_code="en"))
    assert harness.session.sent_texts(ADMIN_ID)[0].startswith(
        "Здравствуйте, alice! Ваша роль: администратор."
    )
    [entry] = await harness.services.audit.latest()
    assert (entry.action, entry.details) == ("lang.set", {"language": "ru"})


async def test_a_forged_language_code_is_refused(harness: Harness) -> None:
    await harness.feed(callback_update(ADMIN_ID, LanguageChoice(code="xx").pack()))
    assert harness.session.alerts() == ["This language is not available."]
    assert await harness.services.user_settings.get_language(ADMIN_ID) is None


async def test_metrics_count_updates_by_type(harness: Harness) -> None:
    await harness.feed(message_update(ADMIN_ID, "/start"))
    await harness.feed(callback_update(ADMIN_ID, LanguageChoice(code="en").pack()))
    await harness.feed(message_update(STRANGER_ID, "/start"))
    rendered = harness.metrics.render().decode()
    assert 'chatops_updates_total{type="message"} 2.0' in rendered
    assert 'chatops_updates_total{type="callback_query"} 1.0' in rendered
    assert "chatops_unauthorized_total 1.0" in rendered
