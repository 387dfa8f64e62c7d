"""The process's HTTP server: health, metrics, exchange callbacks and, in webhook mode, the webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web
from aiohttp.typedefs import Handler
from redis.asyncio import Redis

from bot.metrics import METRICS_CONTENT_TYPE, BotMetrics
from bot.webhook import SEEN_UPDATE_WINDOW_S, WebhookHandler
from bot.workers import Workers
from services.accounts import Account, AccountRegistry, UnknownAccount
from services.exchanges.callbacks import CallbackEndpoint
from services.feed_ages import FeedAges
from services.outbox.queue import Outbox
from services.redis_client import REDIS_UNAVAILABLE_ERRORS, Keys
from services.throttle import Throttle

log = logging.getLogger(__name__)

HEALTH_CHECK_TIMEOUT_S = 5.0
# which endpoint answers an account's exchange callbacks
Endpoints = Callable[[Account], CallbackEndpoint | None]
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


async def _callback_params(request: web.Request) -> dict[str, str]:
    """Exchanges post forms (Indodax) or JSON; either way a flat map of strings."""
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="malformed JSON") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="expected a JSON object")
        return {str(k): str(v) for k, v in body.items()}
    return {k: str(v) for k, v in (await request.post()).items()}


async def _background(
    workers: Workers | None, outbox: Outbox | None, feed: FeedAges | None
) -> dict[str, Any]:
    """The leader (whether one exists and which), the feed's age per exchange, the outbox's depth."""
    body: dict[str, Any] = {}
    if workers is not None:
        if workers.leading:
            body["leader"] = "this copy"
        else:
            body["leader"] = "another copy" if await workers.lease.current_holder() else "none"
    if feed is not None:
        body["feed_age_s"] = await feed.ages()
    if outbox is not None:
        body["outbox_depth"] = await outbox.depth()
    return body


def exchange_callbacks(accounts: AccountRegistry, endpoints: Endpoints | None = None) -> Handler:
    """POST /callbacks/<exchange>/<account>: handed to the account's endpoint (``endpoints``; by default
    the client's own), if that exchange calls back."""
    endpoint_of = endpoints or (lambda account: account.client.callback_endpoint())

    async def handle(request: web.Request) -> web.Response:
        exchange, name = request.match_info["exchange"], request.match_info["account"]
        try:
            account = accounts.get(name)
        except UnknownAccount:
            account = None
        endpoint = endpoint_of(account) if account and account.exchange == exchange else None
        if endpoint is None:
            log.warning("exchange callback for %s/%s: no such account taking callbacks", exchange, name[:64])
            raise web.HTTPNotFound(text="no callbacks here")
        reply = await endpoint.answer(await _callback_params(request))
        log.info("exchange callback %s/%s answered %s %s", exchange, name, reply.status, reply.text)
        return web.Response(status=reply.status, text=reply.text, content_type="text/plain")

    return handle


def build_web_app(
    *,
    bot: Bot,
    redis: Redis,
    metrics: BotMetrics,
    accounts: AccountRegistry | None = None,
    callbacks: Endpoints | None = None,
    workers: Workers | None = None,
    dispatcher: Dispatcher | None = None,
    webhook_path: str | None = None,
    webhook_secret: str | None = None,
    keys: Keys | None = None,
    outbox: Outbox | None = None,
    feed: FeedAges | None = None,
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
        body: dict[str, Any] = {
            "status": "ok" if healthy else "unavailable",
            "redis": "ok" if redis_ok else "unavailable",
            "telegram": "ok" if telegram_ok else "unavailable",
        }
        if redis_ok:
            body.update(await _background(workers, outbox, feed))
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_endpoint(request: web.Request) -> web.Response:
        if outbox is not None:
            with contextlib.suppress(*REDIS_UNAVAILABLE_ERRORS):
                metrics.outbox_depth.set(await outbox.depth())
        response = web.Response(body=metrics.render())
        response.headers["Content-Type"] = METRICS_CONTENT_TYPE
        return response

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_endpoint)
    if accounts is not None:
        app.router.add_post("/callbacks/{exchange}/{account}", exchange_callbacks(accounts, callbacks))
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
