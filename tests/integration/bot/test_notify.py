"""Pushes outside an update arrive in the recipient's language and time zone (aiogram's real client
against the Bot API emulator)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.utils.i18n import gettext as _
from redis.asyncio import Redis

from bot.i18n import build_i18n
from bot.notify import Notifier, Recipient
from sandbox.telegram.client import EmulatorClient, running_emulator
from services.redis_client import Keys
from services.team import Role, TeamMember
from services.user_settings import UserSettings

pytestmark = pytest.mark.integration

ALICE = TeamMember(telegram_id=1001, name="alice", role=Role.ADMIN)
WHEN = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


def greeting(to: Recipient) -> str:
    """A push whose words and clock depend on who reads it."""
    hello = _("Hello, {name}! Your role: {role}.").format(name="alice", role="admin")
    return f"{hello} {WHEN.astimezone(to.timezone):%H:%M}"


@pytest.fixture
async def emulator() -> AsyncIterator[tuple[Bot, EmulatorClient]]:
    async with running_emulator() as (url, _app), EmulatorClient(url) as client:
        bot = Bot("123456:NOTIFY", session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
        await bot.get_me()  # the emulator now knows this bot, so chats are its chats
        try:
            yield bot, client
        finally:
            await bot.session.close()


async def test_a_push_speaks_the_members_language_in_their_time_zone(
    emulator: tuple[Bot, EmulatorClient], redis: Redis, keys: Keys
) -> None:
    bot, client = emulator
    settings = UserSettings(redis, keys)
    await settings.set_language(ALICE.telegram_id, "ru")
    await settings.set_timezone(ALICE.telegram_id, ZoneInfo("Asia/Jakarta"))
    notifier = Notifier(bot, build_i18n(), settings, ZoneInfo("UTC"))

    await notifier.notify(ALICE, greeting)

    pushed = await client.wait_for(ALICE.telegram_id, lambda m: m.from_bot and "alice" in (m.text or ""))
    assert pushed.text == "Здравствуйте, alice! Ваша роль: admin. 19:00"


async def test_a_member_who_chose_nothing_gets_the_defaults_and_a_group_too(
    emulator: tuple[Bot, EmulatorClient], redis: Redis, keys: Keys
) -> None:
    bot, client = emulator
    notifier = Notifier(bot, build_i18n(), UserSettings(redis, keys), ZoneInfo("Europe/Istanbul"))

    await notifier.notify(ALICE, greeting)
    pushed = await client.wait_for(ALICE.telegram_id, lambda m: m.from_bot and "alice" in (m.text or ""))
    assert pushed.text == "Hello, alice! Your role: admin. 15:00"

    group = await notifier.recipient(-100123)
    assert (group.locale, group.timezone) == ("en", ZoneInfo("Europe/Istanbul"))
