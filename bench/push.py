"""Push throughput: pushes queued for many chats, sent by the outbox's sender (bot.outbox.OutboxSender)
through aiogram's real client to the Bot API emulator enforcing Telegram's flood limits.

The figure is messages per second from the sender's start until the queue is empty, next to Telegram's
30 messages a second for a bot; with it the 429 answers the emulator gave (each one held its chat and
went again) and the pushes that never arrived or arrived twice (both should be 0).

    python -m bench push [--pushes 3000] [--chats 300]
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.figures import Figure, throwaway_redis
from bot.metrics import BotMetrics
from bot.outbox import OutboxSender
from sandbox.telegram.client import EmulatorClient, running_emulator
from services.outbox.limits import Limits, SendLimits
from services.outbox.queue import Outbox, Push

TELEGRAM_PER_SECOND = 30.0
FIRST_CHAT = 7000


def text(chat: int, n: int) -> str:
    return f"<b>push</b> {n} for {chat}"


async def drained(outbox: Outbox, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while (left := await outbox.depth()) > 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{left} pushes still queued after {within_s:.0f} s")
        await asyncio.sleep(0.05)


async def run(pushes: int = 3000, chats: int = 300) -> list[Figure]:
    targets = [FIRST_CHAT + c for c in range(chats)]
    expected = Counter((chat, text(chat, n)) for n in range(pushes // chats) for chat in targets)
    async with (
        throwaway_redis() as (redis, keys),
        running_emulator(flood=True) as (url, _app),
        EmulatorClient(url) as client,
    ):
        bot = Bot("123456:BENCH", session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
        try:
            await bot.get_me()
            outbox = Outbox(redis, keys)
            for chat, line in expected:
                await outbox.enqueue(Push(chat, (line,)))
            sender = OutboxSender(
                bot,
                outbox,
                SendLimits(redis, keys, Limits()),
                BotMetrics(),
                consumer="bench",
                claim_after_s=30,
            )
            started = time.perf_counter()
            await sender.start()
            try:
                await drained(outbox, pushes / TELEGRAM_PER_SECOND * 10)
                elapsed = time.perf_counter() - started
            finally:
                await sender.stop()
            calls = await client.calls("sendMessage")
        finally:
            await bot.session.close()
    sent = Counter((int(c["params"]["chat_id"]), str(c["params"]["text"])) for c in calls if c.get("ok"))
    throttled = sum(1 for c in calls if not c.get("ok") and "Too Many Requests" in str(c.get("error")))
    lost = sum((expected - sent).values())
    doubled = sum((sent - expected).values())
    n = f"{sum(expected.values()):,} pushes to {chats} chats"
    return [
        Figure(
            "push",
            f"{n}: sent per second",
            sum(sent.values()) / elapsed,
            "msg/s",
            TELEGRAM_PER_SECOND,
            "Telegram's limit",
        ),
        Figure("push", f"{n}: 429 answers (held, sent again)", throttled, ""),
        Figure("push", f"{n}: pushes lost or sent twice", lost + doubled, ""),
    ]
