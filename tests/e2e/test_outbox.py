"""The outbox with the real bot against the Bot API emulator enforcing Telegram's flood limits: 1,000
pushes to 100 chats (90 private, 10 groups) all arrive, each once, with the bot restarted half-way."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient
from services.outbox.queue import Outbox, Push
from services.redis_client import Keys, create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets, write_config

pytestmark = pytest.mark.asyncio(loop_scope="module")

PRIVATE_CHATS = [7000 + n for n in range(90)]
GROUP_CHATS = [-1007000 - n for n in range(10)]
PER_CHAT = 10
# far longer than the slowest part (10 pushes to a group at 20 a minute take 27 s)
DELIVERY_TIMEOUT_S = 150.0


def text(chat: int, n: int) -> str:
    return f"<b>push</b> {n} for {chat}"


async def delivered(client: EmulatorClient, bot_id: int) -> Counter[tuple[int, str]]:
    """(chat, text) of every message the emulator accepted from this bot, counted."""
    calls = await client.calls("sendMessage")
    return Counter(
        (int(c["params"]["chat_id"]), str(c["params"]["text"]))
        for c in calls
        if c["bot_id"] == bot_id and c.get("ok")
    )


async def test_a_thousand_pushes_to_a_hundred_chats_arrive_once_across_a_restart(
    emulator_url: str, client: EmulatorClient, tmp_path: Path
) -> None:
    await client.set_flood(True)
    secrets = BotSecrets()
    prefix = f"test-e2e-outbox-{secrets.env_var.lower()}"
    port = free_port()
    config = write_config(tmp_path, api_url=emulator_url, web_port=port, redis_prefix=prefix, secrets=secrets)
    bot = BotProcess(config, port, {secrets.env_var: secrets.env_api_key})
    redis = create_redis(REDIS_URL)
    outbox = Outbox(redis, Keys(prefix))
    try:
        await bot.start()
        chats = PRIVATE_CHATS + GROUP_CHATS
        # chat by chat: a chat's ten pushes queued together must not hold up the other chats
        for chat in chats:
            for n in range(PER_CHAT):
                await outbox.enqueue(Push(chat, (text(chat, n),)))

        deadline = time.monotonic() + DELIVERY_TIMEOUT_S
        while await outbox.depth() > 700:
            assert time.monotonic() < deadline, "the first 300 pushes were not sent"
            await asyncio.sleep(0.2)
        assert await bot.stop(signal.SIGTERM) == 0
        await bot.start()

        while await outbox.depth() > 0:
            assert time.monotonic() < deadline, f"{await outbox.depth()} pushes still queued"
            await asyncio.sleep(0.5)

        sent = await delivered(client, secrets.bot_id)
        expected = Counter((chat, text(chat, n)) for chat in chats for n in range(PER_CHAT))
        assert sent == expected
        rejected = [
            c for c in await client.calls("sendMessage") if c["bot_id"] == secrets.bot_id and not c.get("ok")
        ]
        assert all("Too Many Requests" in c["error"] for c in rejected), rejected[:3]
    finally:
        await client.set_flood(False)
        if bot.returncode is None:
            await bot.stop()
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            await redis.delete(key)
        await redis.aclose()
