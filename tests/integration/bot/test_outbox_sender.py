"""The outbox's sender against the Bot API emulator over real HTTP, with real Redis: Telegram's "retry
after" held in every copy, server errors retried, members who blocked the bot marked and skipped, long
texts split, and pushes of a copy that died taken over without sending a part twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from redis.asyncio import Redis

from bot.metrics import BotMetrics
from bot.outbox import OutboxSender
from sandbox.telegram.client import EmulatorClient, running_emulator
from sandbox.telegram.validation import utf16_len
from services.outbox.limits import Limits, SendLimits
from services.outbox.queue import Outbox, Push
from services.outbox.split import split_html
from services.redis_client import Keys, create_redis
from tests.integration.bot.test_redis_outage import PrivateRedis

pytestmark = pytest.mark.integration

CHAT = 1001
TELEGRAMS = Limits()


@dataclass
class Rig:
    client: EmulatorClient
    bot: Bot
    outbox: Outbox
    redis: Redis
    keys: Keys
    metrics: BotMetrics

    def sender(
        self, name: str = "copy-a", limits: Limits = TELEGRAMS, claim_after_s: float = 30
    ) -> OutboxSender:
        return OutboxSender(
            self.bot,
            self.outbox,
            SendLimits(self.redis, self.keys, limits),
            self.metrics,
            consumer=name,
            claim_after_s=claim_after_s,
        )

    async def calls(self, chat: int = CHAT) -> list[dict[str, Any]]:
        return [c for c in await self.client.calls("sendMessage") if int(c["params"]["chat_id"]) == chat]

    async def drained(self) -> None:
        for _attempt in range(600):
            if await self.outbox.depth() == 0:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{await self.outbox.depth()} pushes still queued")


@pytest.fixture
async def rig(redis: Redis, keys: Keys) -> AsyncIterator[Rig]:
    async with running_emulator() as (url, _app), EmulatorClient(url) as client:
        bot = Bot("123456:OUTBOX", session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
        await bot.get_me()
        try:
            yield Rig(client, bot, Outbox(redis, keys), redis, keys, BotMetrics())
        finally:
            await bot.session.close()


async def running(sender: OutboxSender, until: Callable[[], Any]) -> None:
    await sender.start()
    try:
        await until()
    finally:
        await sender.stop()


def texts(calls: list[dict[str, Any]]) -> list[str]:
    return [c["params"]["text"] for c in calls if c.get("ok")]


async def test_after_a_429_nothing_goes_to_that_chat_before_retry_after(rig: Rig) -> None:
    # Telegram (the emulator) allows one message per 2 s in a chat; this copy is set to try 10 a second
    await rig.client.set_flood(True, per_chat_rate=0.5, per_chat_burst=1)
    for n in range(4):
        await rig.outbox.enqueue(Push(CHAT, (f"push {n}",)))

    await running(rig.sender(limits=Limits(per_chat_per_second=10)), rig.drained)

    calls = await rig.calls()
    assert texts(calls) == [f"push {n}" for n in range(4)]
    refused = [c for c in calls if not c.get("ok")]
    assert refused and rig.metrics.throttled._value.get() == len(refused)
    for call in refused:
        later = [c["time"] for c in calls if c["time"] > call["time"]]
        assert min(later) - call["time"] >= 1.9  # retry_after was 2 s


async def test_server_errors_are_retried_until_the_push_is_sent(rig: Rig) -> None:
    await rig.client.fail("sendMessage", 3)
    await rig.outbox.enqueue(Push(CHAT, ("after three 500s",)))

    await running(rig.sender(), rig.drained)

    assert texts(await rig.calls()) == ["after three 500s"]
    assert rig.metrics.pushes.labels("sent")._value.get() == 1


async def test_a_member_who_blocked_the_bot_is_marked_and_not_sent_to_again(rig: Rig) -> None:
    await rig.client.block(CHAT)
    await rig.outbox.enqueue(Push(CHAT, ("first",)))
    await running(rig.sender(), rig.drained)
    assert await rig.outbox.is_blocked(CHAT)

    await rig.outbox.enqueue(Push(CHAT, ("second",)))
    await running(rig.sender(), rig.drained)
    assert [c["params"]["text"] for c in await rig.calls()] == ["first"]


async def test_a_long_text_arrives_in_parts_telegram_accepts_in_order(rig: Rig) -> None:
    text = "<b>Report</b>\n" + "\n".join(f"<i>line {n}</i> &amp; more" for n in range(900))
    await rig.outbox.enqueue(Push(CHAT, tuple(split_html(text))))

    await running(rig.sender(), rig.drained)

    sent = await rig.client.messages(CHAT, bot_only=True)
    assert len(sent) > 1 and all(utf16_len(m.text or "") <= 4096 for m in sent)
    assert "\n".join(m.text or "" for m in sent) == "Report\n" + "\n".join(
        f"line {n} & more" for n in range(900)
    )


async def test_pushes_a_dead_copy_held_are_taken_over_and_no_part_goes_twice(rig: Rig) -> None:
    await rig.outbox.ensure_group()
    await rig.outbox.enqueue(Push(CHAT, ("part 1", "part 2", "part 3")))
    await rig.outbox.enqueue(Push(CHAT, ("next push",)))
    # a copy read both, sent the first two parts of the first, and died
    held = await rig.outbox.read("dead-copy", 10, 100)
    assert len(held) == 2
    await rig.outbox.mark_sent(held[0].id, 2)

    await running(rig.sender("survivor", claim_after_s=1), rig.drained)

    assert texts(await rig.calls()) == ["part 3", "next push"]


async def test_queued_and_held_pushes_survive_a_redis_restart_with_append_only_persistence(
    rig: Rig, tmp_path: Path
) -> None:
    # Redis as docker-compose.yml runs it: append-only file on
    server = PrivateRedis(["--appendonly", "yes", "--dir", str(tmp_path)])
    server.start()
    redis = create_redis(server.url, health_check_interval_s=1)
    outbox = Outbox(redis, rig.keys)
    rig = Rig(rig.client, rig.bot, outbox, redis, rig.keys, rig.metrics)
    try:
        await outbox.ensure_group()
        await outbox.enqueue(Push(CHAT, ("held by a copy that died",)))
        await outbox.enqueue(Push(CHAT, ("queued",)))
        assert len(await outbox.read("dead-copy", 1, 100)) == 1
        sender = rig.sender("survivor", claim_after_s=1)
        await sender.start()
        try:
            server.stop()
            server.start()
            await outbox.enqueue(Push(CHAT, ("queued after the restart",)))
            await rig.drained()
        finally:
            await sender.stop()
        assert sorted(texts(await rig.calls())) == [
            "held by a copy that died",
            "queued",
            "queued after the restart",
        ]
    finally:
        await redis.aclose()
        server.stop()


async def test_names_of_copies_long_gone_with_nothing_pending_are_dropped(rig: Rig) -> None:
    await rig.outbox.ensure_group()
    await rig.outbox.enqueue(Push(CHAT, ("sent before its copy stopped",)))
    [finished] = await rig.outbox.read("stopped-copy", 1, 100)
    await rig.outbox.done(finished.id)
    await rig.outbox.enqueue(Push(CHAT, ("held",)))
    assert len(await rig.outbox.read("holding-copy", 1, 100)) == 1
    await asyncio.sleep(0.05)

    assert await rig.outbox.forget_idle_consumers(idle_ms=10) == 1
    consumers = await rig.redis.xinfo_consumers(rig.outbox.stream, "senders")
    assert [c["name"] for c in consumers] == ["holding-copy"]
