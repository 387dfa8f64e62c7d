"""Direct calls against the Bot API emulator with Telegram's flood limits on: a reply refused with "retry
after" goes again once the wait is over and arrives once; the outbox's sends get the refusal to handle."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter

from bot.retry_after import RetryAfterMiddleware, own_retries
from sandbox.telegram.client import EmulatorClient, running_emulator

pytestmark = pytest.mark.integration

CHAT = 1001


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[tuple[Bot, EmulatorClient]]:
    async with running_emulator(flood=True) as (url, _app), EmulatorClient(url) as client:
        # one message a second per chat, no burst: the second message at once is refused
        await client.set_flood(True, per_chat_rate=1, per_chat_burst=1)
        session = AiohttpSession(api=TelegramAPIServer.from_base(url))
        session.middleware(RetryAfterMiddleware())
        bot = Bot("123456:RETRY", session=session)
        await client.send(CHAT, "/start")  # the chat exists
        try:
            yield bot, client
        finally:
            await bot.session.close()


async def sent_texts(client: EmulatorClient) -> list[str]:
    return [str(c["params"]["text"]) for c in await client.calls("sendMessage") if c.get("ok")]


async def test_a_reply_refused_with_retry_after_goes_again_and_arrives_once(
    emulator: tuple[Bot, EmulatorClient],
) -> None:
    bot, client = emulator
    await bot.send_message(CHAT, "first")
    await bot.send_message(CHAT, "second")
    calls = await client.calls("sendMessage")
    assert any("Too Many Requests" in str(c.get("error")) for c in calls)  # the limit did refuse it
    assert await sent_texts(client) == ["first", "second"]


async def test_a_send_that_handles_its_own_retries_gets_the_refusal(
    emulator: tuple[Bot, EmulatorClient],
) -> None:
    bot, client = emulator
    await bot.send_message(CHAT, "first")
    with own_retries(), pytest.raises(TelegramRetryAfter):
        await bot.send_message(CHAT, "second")
    assert await sent_texts(client) == ["first"]
