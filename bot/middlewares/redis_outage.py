"""The answer users get while Redis is unreachable."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n
from redis.exceptions import RedisError

from bot.metrics import BotMetrics
from bot.middlewares.replies import acknowledge, notify
from handlers.languages import DEFAULT_LOCALE, LOCALES
from services.redis_client import is_redis_unavailable
from services.team import TeamDirectory

log = logging.getLogger(__name__)


class LocalThrottle:
    """At most one pass per subject per window, in this process's memory.

    Used where Redis (which the shared Throttle lives on) is the thing that is down.
    """

    def __init__(self, window_s: float) -> None:
        self._window_s = window_s
        self._until: dict[int, float] = {}

    def allow(self, subject: int) -> bool:
        now = time.monotonic()
        if len(self._until) > 10_000:  # forget expired entries so a long outage cannot grow it unbounded
            self._until = {key: until for key, until in self._until.items() if until > now}
        if self._until.get(subject, 0.0) > now:
            return False
        self._until[subject] = now + self._window_s
        return True


class RedisOutageMiddleware(BaseMiddleware):
    """Wraps everything that may touch Redis (FSM, locale, team checks, handlers).

    Redis being down, or refusing writes (OOM, MISCONF, READONLY), is an expected condition,
    not a bug: the user gets a localized "try again in a minute" (once per minute) and the log
    gets one warning line without a traceback. Nothing here touches Redis, and the locale comes
    from Telegram's language_code because the user's stored choice is in Redis. Strangers get
    no answer at all: they are not even told the bot is down.
    """

    def __init__(self, i18n: I18n, metrics: BotMetrics, team: TeamDirectory, *, window_s: float = 60) -> None:
        self._i18n = i18n
        self._metrics = metrics
        self._team = team
        self._throttle = LocalThrottle(window_s)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except RedisError as exc:
            if not is_redis_unavailable(exc):
                raise
            self._metrics.redis_errors.inc()
            log.warning("Redis unavailable while handling an update: %s", exc)
            user: User | None = data.get("event_from_user")
            if user is not None and user.id in self._team and self._throttle.allow(user.id):
                text = self._i18n.gettext(
                    "The bot is temporarily unavailable, please try again in a minute.",
                    locale=telegram_locale(user),
                )
                await notify(event, data, text)
            else:
                await acknowledge(event)
            return None


def telegram_locale(user: User | None) -> str:
    """The supported locale matching the user's Telegram app language, else the default."""
    code = (user.language_code or "") if user else ""
    language = code.replace("_", "-").split("-")[0].lower()
    return language if language in LOCALES else DEFAULT_LOCALE
