"""Puts the user's time zone (their /tz choice, else the config's) into handler data as ``tz``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.middlewares.user_state import USER_STATE_KEY, UserState


class UserTimezoneMiddleware(BaseMiddleware):
    """After UserStateMiddleware, which read the user's choice with the rest of their state."""

    def __init__(self, default: ZoneInfo) -> None:
        self._default = default

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user_state: UserState | None = data.get(USER_STATE_KEY)
        chosen = user_state.preferences.timezone if user_state is not None else None
        data["tz"] = chosen or self._default
        return await handler(event, data)
