"""Pushes end to end in one process: the notifier, the outbox and its sender, aiogram's real client and
the Bot API emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from redis.asyncio import Redis

from bot.i18n import build_i18n
from bot.metrics import BotMetrics
from bot.notify import Notifier
from bot.outbox import OutboxSender
from sandbox.telegram.client import EmulatorClient, running_emulator
from services.notify_settings import NotificationSettings, TeamGroup
from services.outbox.limits import Limits, SendLimits
from services.outbox.queue import Outbox
from services.redis_client import Keys
from services.user_settings import UserSettings


@dataclass
class Pushing:
    bot: Bot
    client: EmulatorClient
    outbox: Outbox
    settings: UserSettings
    choices: NotificationSettings
    redis: Redis
    keys: Keys

    def notifier(self, zone: str = "UTC", group: TeamGroup | None = None) -> Notifier:
        return Notifier(
            self.bot,
            build_i18n(),
            self.settings,
            ZoneInfo(zone),
            outbox=self.outbox,
            choices=self.choices,
            redis=self.redis,
            keys=self.keys,
            group=group,
        )


async def drained(outbox: Outbox) -> None:
    """Every queued push sent (a sent push leaves the stream)."""
    for _attempt in range(300):
        if await outbox.depth() == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{await outbox.depth()} pushes still queued")


@asynccontextmanager
async def pushing_through_the_emulator(redis: Redis, keys: Keys) -> AsyncIterator[Pushing]:
    async with running_emulator() as (url, _app), EmulatorClient(url) as client:
        bot = Bot("123456:NOTIFY", session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
        await bot.get_me()  # the emulator now knows this bot, so chats are its chats
        outbox = Outbox(redis, keys)
        sender = OutboxSender(
            bot, outbox, SendLimits(redis, keys, Limits()), BotMetrics(), consumer="test", claim_after_s=30
        )
        await sender.start()
        try:
            yield Pushing(
                bot, client, outbox, UserSettings(redis, keys), NotificationSettings(redis, keys), redis, keys
            )
        finally:
            await sender.stop()
            await bot.session.close()
