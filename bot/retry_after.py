"""Telegram's "retry after" for the bot's direct calls: a reply refused by a flood limit waits the time
Telegram names and goes again, instead of being lost (Telegram performed nothing, so nothing doubles).

The outbox's sender keeps its own account of the limits (held chats in Redis, shared by every copy) and
handles its 429s itself: its sends run inside ``own_retries()`` and pass straight through.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

# a reply later than this is no longer an answer worth waiting for: the refusal is raised
MAX_WAIT_S = 30
ATTEMPTS = 3

_OWN_RETRIES: ContextVar[bool] = ContextVar("own_retries", default=False)


@contextmanager
def own_retries() -> Iterator[None]:
    """Calls made inside handle their 429s themselves."""
    token = _OWN_RETRIES.set(True)
    try:
        yield
    finally:
        _OWN_RETRIES.reset(token)


class RetryAfterMiddleware(BaseRequestMiddleware):
    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if _OWN_RETRIES.get() or attempt >= ATTEMPTS or exc.retry_after > MAX_WAIT_S:
                    raise
                log.info("%s: retry after %ss (attempt %d)", type(method).__name__, exc.retry_after, attempt)
                await asyncio.sleep(exc.retry_after)
                attempt += 1
