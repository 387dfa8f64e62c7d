"""The Telegram webhook: only well-formed updates reach the dispatcher, and each update only once."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError
from redis.exceptions import RedisError

from services.redis_client import is_redis_unavailable
from services.throttle import Throttle

log = logging.getLogger(__name__)

# Telegram re-delivers an update it got no 200 for; a copy arriving within this long is dropped.
SEEN_UPDATE_WINDOW_S = 600


class MalformedUpdate(ValueError):
    """The body is not a Telegram Update; the message says why, without echoing the body."""


def parse_update(body: bytes, bot: Bot) -> Update:
    """Strict parsing: UTF-8, JSON within Python's limits (nesting, integer digits), an Update object."""
    try:
        raw: Any = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedUpdate("not UTF-8") from None
    except RecursionError:
        raise MalformedUpdate("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and integers past the digit limit
        raise MalformedUpdate(f"not JSON ({type(exc).__name__})") from None
    if not isinstance(raw, dict):
        raise MalformedUpdate(f"a JSON {type(raw).__name__}, not an object")
    try:
        return Update.model_validate(raw, context={"bot": bot})
    except ValidationError as exc:
        raise MalformedUpdate(f"not an Update ({exc.error_count()} errors)") from None
    except RecursionError:
        raise MalformedUpdate("JSON nested too deeply") from None


class WebhookHandler(SimpleRequestHandler):
    """aiogram's handler (secret check, answer at once, handle in the background) with two additions:
    a body that is not an Update gets 400 and one log line, and an update already seen (by this
    copy of the bot or another on the same Redis) is acknowledged and dropped."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, *, secret_token: str | None, seen: Throttle) -> None:
        super().__init__(dispatcher, bot, handle_in_background=True, secret_token=secret_token)
        self._seen = seen

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verify_secret(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), self.bot):
            return web.Response(body="Unauthorized", status=401)
        try:
            update = parse_update(await request.read(), self.bot)
        except MalformedUpdate as exc:
            log.warning("webhook: refused a body from %s: %s", request.remote, exc)
            return web.Response(status=400, text=f"Bad Request: {exc}")
        if await self._first_time(update.update_id):
            task = asyncio.create_task(self._feed(update))
            self._background_feed_update_tasks.add(task)
            task.add_done_callback(self._background_feed_update_tasks.discard)
        else:
            log.info("webhook: update %s was already delivered; dropped", update.update_id)
        return web.json_response({})

    async def idle(self) -> None:
        """Wait for the updates being handled in the background (tests, and a clean stop)."""
        while self._background_feed_update_tasks:
            await asyncio.gather(*self._background_feed_update_tasks, return_exceptions=True)

    async def _first_time(self, update_id: int) -> bool:
        try:
            return await self._seen.allow(update_id)
        except RedisError as exc:
            if not is_redis_unavailable(exc):
                raise
            # without Redis the update cannot be checked; handling it lets the user hear of the outage
            log.warning("webhook: cannot check update %s for a repeat, Redis unavailable: %s", update_id, exc)
            return True

    async def _feed(self, update: Update) -> None:
        result = await self.dispatcher.feed_update(self.bot, update, **self.data)
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(bot=self.bot, result=result)
