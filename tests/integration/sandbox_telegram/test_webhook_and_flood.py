"""Webhook delivery to a real aiohttp receiver, and Telegram's 429 flood limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError, TelegramRetryAfter
from aiohttp import web

from sandbox.telegram.client import EmulatorClient

from .conftest import ALICE

GROUP = -100777


@dataclass
class Receiver:
    url: str
    received: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    fail_first: int = 0
    reply: dict[str, Any] | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver(url="")

    async def hook(request: web.Request) -> web.Response:
        state.received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        if len(state.received) <= state.fail_first:
            return web.Response(status=500)
        state.arrived.set()
        return web.json_response(state.reply or {})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield state
    await runner.cleanup()


async def test_webhook_delivery_with_secret_and_retry(
    bot: Bot, client: EmulatorClient, receiver: Receiver
) -> None:
    receiver.fail_first = 1
    assert await bot.set_webhook(receiver.url, secret_token="s3cret-Token_1")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates(timeout=0)

    await client.send(ALICE, "/balance")
    await asyncio.wait_for(receiver.arrived.wait(), 5)
    assert len(receiver.received) == 2  # the 500 answer made the emulator deliver the update again
    (first_secret, first), (secret, update) = receiver.received
    assert first == update and first_secret == secret == "s3cret-Token_1"
    assert update["message"]["text"] == "/balance" and update["message"]["chat"]["id"] == ALICE

    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message is not None and "500" in info.last_error_message

    assert await bot.delete_webhook()
    await client.send(ALICE, "after")
    [polled] = await bot.get_updates(timeout=0)
    assert polled.message is not None and polled.message.text == "after"


async def test_webhook_reply_may_carry_a_method(bot: Bot, client: EmulatorClient, receiver: Receiver) -> None:
    receiver.reply = {"method": "sendMessage", "chat_id": ALICE, "text": "answered in the webhook reply"}
    await bot.set_webhook(receiver.url, drop_pending_updates=True)
    await client.send(ALICE, "hi")
    reply = await client.wait_for(ALICE, timeout=5)
    assert reply.text == "answered in the webhook reply"


async def test_flood_limit_per_chat(bot: Bot, client: EmulatorClient) -> None:
    for i in range(10):
        await bot.send_message(ALICE, f"unlimited {i}")  # off by default
    await client.set_flood(True)
    for i in range(3):
        await bot.send_message(ALICE, f"burst {i}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(ALICE, "one too many")
    assert caught.value.retry_after >= 1
    assert "Too Many Requests: retry after" in caught.value.message
    await bot.send_message(ALICE + 1, "another chat has its own budget")
    await bot.get_me()  # reads do not count
    await asyncio.sleep(1.05)
    await bot.send_message(ALICE, "after waiting")


async def test_flood_limit_per_group_per_minute(bot: Bot, client: EmulatorClient) -> None:
    await client.set_flood(True, per_chat_burst=10, group_per_minute=2)
    await bot.send_message(GROUP, "one")
    await bot.send_message(GROUP, "two")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(GROUP, "three")
    assert 20 <= caught.value.retry_after <= 30
    await client.set_flood(False)
    await bot.send_message(GROUP, "three, unlimited again")
