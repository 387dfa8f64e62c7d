"""Chooses the language of every reply."""

from __future__ import annotations

from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.middlewares.redis_outage import telegram_locale
from bot.middlewares.user_state import USER_STATE_KEY, UserState
from handlers.languages import LOCALES
from services.user_settings import UserSettings


class UserLanguageMiddleware(I18nMiddleware):
    """The user's /lang choice if they made one, else their Telegram app language if supported, else en.

    On updates the choice comes from UserStateMiddleware, read with the rest of the user's state;
    error events, which run after the update's middlewares, read it themselves.
    """

    def __init__(self, i18n: I18n, user_settings: UserSettings) -> None:
        super().__init__(i18n)
        self._user_settings = user_settings

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        if user is None:
            return self.i18n.default_locale
        user_state: UserState | None = data.get(USER_STATE_KEY)
        if user_state is not None:
            chosen = user_state.preferences.language
        else:
            chosen = await self._user_settings.get_language(user.id)
        if chosen is not None and chosen in LOCALES:
            return chosen
        return telegram_locale(user)
