"""The process's HTTP server: health, metrics and (in webhook mode) the Telegram webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web
from redis.asyncio import Redis

from bot.metrics import METRICS_CONTENT_TYPE, BotMetrics
from bot.webhook import SEEN_UPDATE_WINDOW_S, WebhookHandler
from services.redis_client import Keys
from services.throttle import Throttle

log = logging.getLogger(__name__)

HEALTH_CHECK_TIMEOUT_S = 5.0
# the webhook's handler, for whoever needs to wait until the updates it took are handled
WEBHOOK_HANDLER = web.AppKey("webhook_handler", WebhookHandler)


async def _reachable(name: str, check: Awaitable[Any]) -> bool:
    try:
        await asyncio.wait_for(check, HEALTH_CHECK_TIMEOUT_S)
    except Exception as exc:  # any failure means "not reachable"; the reason goes to the log
        log.warning("health check: %s unreachable: %s", name, exc)
        return False
    return True


async def _ping(redis: Redis) -> None:
    # redis-py types ping() as "Awaitable[bool] | bool" (sync and async share stubs).
    await redis.ping()  # type: ignore[misc]


def build_web_app(
    *,
    bot: Bot,
    redis: Redis,
    metrics: BotMetrics,
    dispatcher: Dispatcher | None = None,
    webhook_path: str | None = None,
    webhook_secret: str | None = None,
    keys: Keys | None = None,
) -> web.Application:
    """Pass `dispatcher`, `webhook_path` and `keys` to serve the webhook (checked against
    `webhook_secret`; the update ids seen are kept in Redis under `keys`)."""
    app = web.Application()

    async def healthz(request: web.Request) -> web.Response:
        redis_ok, telegram_ok = await asyncio.gather(
            _reachable("redis", _ping(redis)),
            _reachable("telegram", bot.get_me(request_timeout=int(HEALTH_CHECK_TIMEOUT_S))),
        )
        healthy = redis_ok and telegram_ok
        body = {
            "status": "ok" if healthy else "unavailable",
            "redis": "ok" if redis_ok else "unavailable",
            "telegram": "ok" if telegram_ok else "unavailable",
        }
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_endpoint(request: web.Request) -> web.Response:
        response = web.Response(body=metrics.render())
        response.headers["Content-Type"] = METRICS_CONTENT_TYPE
        return response

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_endpoint)
    if dispatcher is not None and webhook_path:
        if keys is None:
            raise ValueError("the webhook needs `keys`: the update ids it has seen are kept in Redis")
        seen = Throttle(redis, keys, "update", window_s=SEEN_UPDATE_WINDOW_S)
        handler = WebhookHandler(dispatcher, bot, secret_token=webhook_secret or None, seen=seen)
        # Not handler.register(app): it would close the bot session on app shutdown, while
        # updates still in flight need it; bot.runner closes the session last.
        app.router.add_post(webhook_path, handler.handle)
        app[WEBHOOK_HANDLER] = handler
    return app
