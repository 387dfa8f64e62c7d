"""Puts the user's time zone (their /tz choice, else the config's) into handler data as ``tz``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from services.user_settings import UserSettings


class UserTimezoneMiddleware(BaseMiddleware):
    def __init__(self, user_settings: UserSettings, default: ZoneInfo) -> None:
        self._user_settings = user_settings
        self._default = default

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        chosen = await self._user_settings.get_timezone(user.id) if user is not None else None
        data["tz"] = chosen or self._default
        return await handler(event, data)
