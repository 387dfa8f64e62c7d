"""Pushes outside an update: a message rendered in the recipient's language and time zone.

Jobs and watchers have no middleware data, so the language and zone come from the member's settings
here. Every push goes through `Notifier.notify`; the outbox of the scheduler issue replaces the direct
send behind it without changing its callers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.i18n import LOCALES
from services.team import TeamMember
from services.user_settings import UserSettings


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a push is for: a member (their own settings apply) or a chat such as the team group."""

    chat_id: int
    locale: str
    timezone: ZoneInfo


# A view function: builds the (HTML) text of a push inside the recipient's locale, for their zone.
Render = Callable[[Recipient], str]
# Buttons under a push, labelled in the recipient's locale.
Keyboard = Callable[[Recipient], InlineKeyboardMarkup]


class Notifier:
    def __init__(self, bot: Bot, i18n: I18n, settings: UserSettings, default_timezone: ZoneInfo) -> None:
        self._bot = bot
        self._i18n = i18n
        self._settings = settings
        self._default_timezone = default_timezone

    async def recipient(self, to: TeamMember | int) -> Recipient:
        """A member's language and zone; a chat id (a group) gets the bot's defaults."""
        if not isinstance(to, TeamMember):
            return Recipient(to, self._i18n.default_locale, self._default_timezone)
        chosen = await self._settings.get_language(to.telegram_id)
        zone = await self._settings.get_timezone(to.telegram_id)
        return Recipient(
            to.telegram_id,
            chosen if chosen in LOCALES else self._i18n.default_locale,
            zone or self._default_timezone,
        )

    def render(self, recipient: Recipient, message: Render) -> str:
        with self._i18n.context(), self._i18n.use_locale(recipient.locale):
            return message(recipient)

    def buttons(self, recipient: Recipient, keyboard: Keyboard) -> InlineKeyboardMarkup:
        with self._i18n.context(), self._i18n.use_locale(recipient.locale):
            return keyboard(recipient)

    async def notify(self, to: TeamMember | int, message: Render, keyboard: Keyboard | None = None) -> None:
        recipient = await self.recipient(to)
        text = self.render(recipient, message)
        markup = None if keyboard is None else self.buttons(recipient, keyboard)
        await self._bot.send_message(recipient.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
