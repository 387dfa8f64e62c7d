"""The bot in webhook mode: the emulator delivers updates to the bot's web server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from sandbox.telegram.client import EmulatorClient
from tests.e2e.bot_process import ADMIN_ID, BotProcess, BotSecrets
from tests.e2e.conftest import StartBot

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

UPDATE = {
    "update_id": 1,
    "message": {
        "message_id": 1,
        "date": 0,
        "chat": {"id": ADMIN_ID, "type": "private"},
        "from": {"id": ADMIN_ID, "is_bot": False, "first_name": "x"},
        "text": "/start",
    },
}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def webhook_bot(start_bot: StartBot) -> AsyncIterator[tuple[BotProcess, BotSecrets]]:
    yield await start_bot("webhook")


async def test_updates_arrive_through_the_webhook(
    webhook_bot: tuple[BotProcess, BotSecrets], client: EmulatorClient
) -> None:
    await client.send(ADMIN_ID, "/start", language_code="en")
    reply = await client.wait_for(ADMIN_ID, lambda m: m.from_bot, timeout=30)
    assert reply.text == "Hello, alice! Your role: admin.\nSend /help to see what you can do."
    [call] = await client.calls("setWebhook")
    assert str(call["params"]["url"]).endswith("/tg/webhook")


@pytest.mark.parametrize("header", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}])
async def test_webhook_calls_without_the_secret_are_refused(
    webhook_bot: tuple[BotProcess, BotSecrets], header: dict[str, str]
) -> None:
    process, _ = webhook_bot
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{process.web_url}/tg/webhook", json=UPDATE, headers=header) as response,
    ):
        assert response.status in (401, 403)


async def test_webhook_call_with_the_secret_is_accepted(webhook_bot: tuple[BotProcess, BotSecrets]) -> None:
    process, secrets = webhook_bot
    header = {"X-Telegram-Bot-Api-Secret-Token": secrets.webhook_secret}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{process.web_url}/tg/webhook", json=UPDATE, headers=header) as response,
    ):
        assert response.status == 200


async def test_health_and_metrics_are_served(webhook_bot: tuple[BotProcess, BotSecrets]) -> None:
    process, _ = webhook_bot
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{process.web_url}/healthz") as response:
            assert response.status == 200
            body = await response.json()
        assert {k: body[k] for k in ("status", "redis", "telegram")} == {
            "status": "ok",
            "redis": "ok",
            "telegram": "ok",
        }
        # one copy alone leads; no alert needs the feed, so it has no price yet; nothing is queued
        assert body["leader"] in ("this copy", "none")
        assert body["feed_age_s"] == {"indodax": None}
        assert body["outbox_depth"] == 0
        async with http.get(f"{process.web_url}/metrics") as response:
            assert response.status == 200
            text = await response.text()
        assert "chatops_updates_total" in text
        assert "chatops_outbox_depth 0.0" in text
