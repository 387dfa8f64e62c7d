"""Pushes outside an update: a message rendered in the recipient's language and time zone, queued in the
outbox (bot.outbox sends it). A message the bot must edit later (an approval request with its buttons)
is sent at once instead, so its id is known.

Jobs and watchers have no middleware data, so the language and zone come from the member's settings
here, and so does what the member wants of this kind of push (on, silent, off). Kinds chosen in
`[notifications] group_kinds` go to the team group as well, once per text however many members are told.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from redis.asyncio import Redis

from handlers.languages import LOCALES
from services.notify_settings import Kind, Mode, NotificationSettings, TeamGroup
from services.outbox.queue import Outbox, Push
from services.outbox.split import split_html
from services.redis_client import Keys
from services.team import TeamMember
from services.user_settings import UserSettings

# the same text for the team group within this long is posted once: a job telling several members of
# one event calls notify once per member; kept short so two like events minutes apart both show
GROUP_COPY_WINDOW_S = 60


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a push is for: a member (their own settings apply) or a chat such as the team group."""

    chat_id: int
    locale: str
    timezone: ZoneInfo


# A view function: builds the (HTML) text of a push inside the recipient's locale, for their zone.
Render = Callable[[Recipient], str]
# Builds the buttons of a message inside the recipient's locale (their labels are translated).
Buttons = Callable[[], InlineKeyboardMarkup]


class Notifier:
    def __init__(
        self,
        bot: Bot,
        i18n: I18n,
        settings: UserSettings,
        default_timezone: ZoneInfo,
        *,
        outbox: Outbox,
        choices: NotificationSettings,
        redis: Redis,
        keys: Keys,
        group: TeamGroup | None = None,
    ) -> None:
        self._bot = bot
        self._i18n = i18n
        self._settings = settings
        self._default_timezone = default_timezone
        self._outbox = outbox
        self._choices = choices
        self._redis = redis
        self._keys = keys
        self._group = group

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

    def render_buttons(self, recipient: Recipient, buttons: Buttons) -> InlineKeyboardMarkup:
        with self._i18n.context(), self._i18n.use_locale(recipient.locale):
            return buttons()

    async def send_now(self, to: TeamMember | int, message: Render, buttons: Buttons | None = None) -> int:
        """Sends at once, not through the outbox, and returns the message id: for a message the bot edits
        later (an approval request and its buttons). Telegram's errors reach the caller."""
        recipient = await self.recipient(to)
        text = self.render(recipient, message)
        markup = None if buttons is None else self.render_buttons(recipient, buttons)
        sent = await self._bot.send_message(
            recipient.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        return sent.message_id

    async def notify(
        self,
        to: TeamMember | int,
        message: Render,
        kind: Kind | str = Kind.SYSTEM,
        *,
        once: str | None = None,
    ) -> None:
        """Queues the push for `to` as the member chose for this kind, and for the team group if it
        takes this kind. ``once`` names the event: telling it again queues nothing (per recipient)."""
        kind = Kind(kind)
        mode = Mode.ON
        if isinstance(to, TeamMember):
            mode = await self._choices.mode(to.telegram_id, kind)
        if mode is not Mode.OFF and not await self._outbox.is_blocked(self._chat_of(to)):
            await self._queue(await self.recipient(to), message, kind, silent=mode is Mode.SILENT, once=once)
        group = self._group
        if group is not None and kind in group.kinds and self._chat_of(to) != group.chat_id:
            recipient = await self.recipient(group.chat_id)
            text = self.render(recipient, message)
            digest = hashlib.sha256(text.encode()).hexdigest()[:32]
            if await self._redis.set(
                self._keys("outbox", "group-copy", digest), "1", nx=True, ex=GROUP_COPY_WINDOW_S
            ):
                await self._outbox.enqueue(
                    Push(group.chat_id, tuple(split_html(text)), kind), _per_chat(once, group.chat_id)
                )

    async def _queue(
        self, recipient: Recipient, message: Render, kind: Kind, *, silent: bool, once: str | None
    ) -> None:
        text = self.render(recipient, message)
        await self._outbox.enqueue(
            Push(recipient.chat_id, tuple(split_html(text)), kind, silent), _per_chat(once, recipient.chat_id)
        )

    @staticmethod
    def _chat_of(to: TeamMember | int) -> int:
        return to.telegram_id if isinstance(to, TeamMember) else to


def _per_chat(once: str | None, chat_id: int) -> str | None:
    return None if once is None else f"{once}:{chat_id}"
