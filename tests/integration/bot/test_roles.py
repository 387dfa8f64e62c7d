"""Roles deny by default: a handler must say which role it needs, or nobody gets in."""

from collections.abc import AsyncIterator

import pytest
from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from redis.asyncio import Redis

from services.redis_client import Keys
from tests.integration.bot.harness import ADMIN_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import message_update

pytestmark = pytest.mark.integration


@pytest.fixture
async def harness(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[Harness]:
    built = build_harness(team_config(key_prefix), redis, keys)
    yield built
    await built.close()


async def test_a_handler_without_a_role_flag_is_refused_even_to_an_admin(harness: Harness) -> None:
    ran: list[int] = []

    async def forgot_its_flag(message: Message) -> None:
        ran.append(message.chat.id)
        await message.answer("secret data")

    router = Router(name="careless")
    router.message.register(forgot_its_flag, Command("careless"))
    harness.dispatcher.include_router(router)
    # ahead of the fallback router, which answers every message no feature took
    routers = harness.dispatcher.sub_routers
    routers.insert(0, routers.pop())

    await harness.feed(message_update(ADMIN_ID, "/careless"))

    assert ran == []
    assert harness.session.sent_texts(ADMIN_ID) == ["This is not available."]
    [entry] = await harness.services.audit.latest()
    assert (entry.action, entry.details["required"], entry.details["handler"]) == (
        "access_denied",
        "undeclared",
        "test_a_handler_without_a_role_flag_is_refused_even_to_an_admin.<locals>.forgot_its_flag",
    )
