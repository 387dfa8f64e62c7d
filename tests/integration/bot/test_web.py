"""/healthz and /metrics of the bot's web app."""

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.metrics import BotMetrics
from bot.web import build_web_app
from sandbox.net import free_port
from services.redis_client import create_redis
from tests.integration.bot.telegram_double import RecordingSession

pytestmark = pytest.mark.integration


async def _client(redis: Redis, metrics: BotMetrics | None = None) -> AsyncIterator[TestClient]:
    bot = Bot("42:TEST", session=RecordingSession())
    app = build_web_app(bot=bot, redis=redis, metrics=metrics or BotMetrics())
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_healthz_is_ok_when_redis_and_telegram_answer(redis: Redis) -> None:
    async for client in _client(redis):
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"status": "ok", "redis": "ok", "telegram": "ok"}


async def test_healthz_is_503_when_redis_is_down() -> None:
    dead = create_redis(f"redis://127.0.0.1:{free_port()}/0")
    async for client in _client(dead):
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"status": "unavailable", "redis": "unavailable", "telegram": "ok"}
    await dead.aclose()


async def test_metrics_are_prometheus_text(redis: Redis) -> None:
    metrics = BotMetrics()
    metrics.updates.labels("message").inc()
    async for client in _client(redis, metrics):
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        assert 'chatops_updates_total{type="message"} 1.0' in await response.text()
