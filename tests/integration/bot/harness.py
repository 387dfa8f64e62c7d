"""A dispatcher assembled the way bot.app does it, on a real Redis, with a recording Bot session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from bot.app import Services, build_dispatcher, build_services
from bot.config import Config, parse_config
from bot.i18n import build_i18n
from bot.metrics import BotMetrics
from bot.middlewares.tracking import UpdateTracker
from services.accounts import AccountRegistry
from services.redis_client import Keys, create_redis
from tests.integration.bot.telegram_double import RecordingSession

ADMIN_ID, TRADER_ID, VIEWER_ID, STRANGER_ID = 1001, 1002, 1003, 666


def team_config(
    prefix: str, redis_url: str = "redis://127.0.0.1:6379/0", accounts: list[dict[str, str]] | None = None
) -> Config:
    return parse_config(
        {
            "telegram": {"token": "42:TEST"},
            "redis": {"url": redis_url, "prefix": prefix},
            "team": [
                {"telegram_id": ADMIN_ID, "name": "alice", "role": "admin"},
                {"telegram_id": TRADER_ID, "name": "tom", "role": "trader"},
                {"telegram_id": VIEWER_ID, "name": "vera", "role": "viewer"},
            ],
            "accounts": accounts or [],
        }
    )


@dataclass
class Harness:
    dispatcher: Dispatcher
    bot: Bot
    session: RecordingSession
    services: Services
    metrics: BotMetrics
    storage: RedisStorage

    async def feed(self, update: dict[str, Any]) -> None:
        await self.dispatcher.feed_raw_update(self.bot, update)

    async def close(self) -> None:
        await self.storage.close()


def build_harness(
    config: Config, redis: Redis, keys: Keys, accounts: AccountRegistry | None = None
) -> Harness:
    services = build_services(config, redis, keys, accounts=accounts)
    metrics = BotMetrics()
    storage = RedisStorage(create_redis(config.redis.url), key_builder=DefaultKeyBuilder(prefix=keys("fsm")))
    dispatcher = build_dispatcher(
        services,
        redis=redis,
        i18n=build_i18n(),
        metrics=metrics,
        tracker=UpdateTracker(metrics),
        storage=storage,
    )
    session = RecordingSession()
    return Harness(dispatcher, Bot("42:TEST", session=session), session, services, metrics, storage)
