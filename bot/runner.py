"""Lifecycle: start in polling or webhook mode, stop cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from aiohttp import web

from bot.app import BotApp
from bot.commands import register_commands
from bot.config import Config
from bot.web import build_web_app
from services.feed_ages import FeedAges
from services.redis_client import Keys

log = logging.getLogger(__name__)

# Handlers still running after this long at shutdown are abandoned (and logged).
DRAIN_TIMEOUT_S = 20.0


async def run(config: Config) -> None:
    """Run until SIGTERM or SIGINT, then let in-flight updates finish and close every connection."""
    app = BotApp.from_config(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner: web.AppRunner | None = None
    polling: asyncio.Task[None] | None = None
    try:
        await register_commands(app.bot, app.i18n)
        runner = await _start_web(app)
        await app.workers.start()
        await app.sender.start()
        if config.telegram.mode == "webhook":
            await _set_webhook(app)
            await app.dispatcher.emit_startup(bot=app.bot, **app.dispatcher.workflow_data)
        else:
            # getUpdates is refused while a webhook is set (e.g. left over from webhook mode).
            await app.bot.delete_webhook()
            polling = asyncio.create_task(_poll(app))
        await _wait_for_stop(stop, polling)
        log.info("stopping")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await _shutdown(app, runner, polling)


async def _start_web(app: BotApp) -> web.AppRunner:
    telegram = app.config.telegram
    webhook = telegram.mode == "webhook"
    web_app = build_web_app(
        bot=app.bot,
        redis=app.redis,
        metrics=app.metrics,
        accounts=app.accounts,
        callbacks=app.callbacks.endpoint,
        workers=app.workers,
        outbox=app.outbox,
        feed=FeedAges(app.redis, Keys(app.config.redis.prefix), app.accounts),
        dispatcher=app.dispatcher if webhook else None,
        webhook_path=telegram.webhook_path if webhook else None,
        webhook_secret=telegram.webhook_secret.get_secret_value() if webhook else None,
        keys=Keys(app.config.redis.prefix),
    )
    # handle_signals=False: signals belong to run(); access_log=None: request lines add noise only.
    runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, app.config.web.host, app.config.web.port).start()
    log.info("web server on %s:%s", app.config.web.host, app.config.web.port)
    return runner


async def _set_webhook(app: BotApp) -> None:
    telegram = app.config.telegram
    await app.bot.set_webhook(
        url=telegram.webhook_url,
        secret_token=telegram.webhook_secret.get_secret_value(),
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )
    log.info("webhook mode, updates arrive on %s", telegram.webhook_path)


async def _poll(app: BotApp) -> None:
    await app.dispatcher.start_polling(
        app.bot,
        handle_signals=False,
        # The session is closed by _shutdown, after in-flight updates are done with it.
        close_bot_session=False,
        allowed_updates=app.dispatcher.resolve_used_update_types(),
    )


async def _wait_for_stop(stop: asyncio.Event, polling: asyncio.Task[None] | None) -> None:
    waiters: set[asyncio.Future[Any]] = {asyncio.ensure_future(stop.wait())}
    if polling is not None:
        waiters.add(polling)
    done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    for waiter in pending - {polling}:
        waiter.cancel()
    if polling is not None and polling in done:
        # Polling only ends by itself on a fatal error (e.g. the token was revoked).
        polling.result()
        raise RuntimeError("polling stopped unexpectedly")


async def _shutdown(app: BotApp, runner: web.AppRunner | None, polling: asyncio.Task[None] | None) -> None:
    """Stop taking updates, let the running ones finish, then close connections (session last)."""
    if polling is not None and not polling.done():
        # aiogram closes the FSM storage as polling stops; redis-py reconnects on demand, so an
        # update still in flight can use it until the drain below, and it is closed again after.
        await app.dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
    if runner is not None:
        await runner.cleanup()
    if not await app.tracker.drain(DRAIN_TIMEOUT_S):
        log.warning(
            "%d update(s) still running after %ss, stopping anyway", app.tracker.in_flight, DRAIN_TIMEOUT_S
        )
    await app.workers.stop()
    # after the handlers: a push they queued is still sent by this copy if it can
    await app.sender.stop()
    if app.config.telegram.mode == "webhook":
        await app.dispatcher.emit_shutdown(bot=app.bot, **app.dispatcher.workflow_data)
    await app.storage.close()
    await app.accounts.close()
    await app.redis.aclose()
    await app.bot.session.close()
    log.info("stopped")
