"""Sending a short notice back to whoever caused an update, from any middleware."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, Update, User

log = logging.getLogger(__name__)


async def notify(event: TelegramObject, data: dict[str, Any], text: str) -> None:
    """Answer a message in its chat, a button press with an alert to the presser only, anything
    else in the user's chat.

    A notice that cannot be delivered (user blocked the bot, Telegram down) is logged
    and dropped: it must never turn into a handler error of its own.
    """
    event = unwrap(event)
    try:
        if isinstance(event, Message):
            await event.answer(text)
        elif isinstance(event, CallbackQuery):
            await event.answer(text, show_alert=True)
        else:
            await _send_to_event_chat(data, text)
    except TelegramAPIError as exc:
        log.warning("could not deliver a notice: %s", exc)


async def acknowledge(event: TelegramObject) -> None:
    """Stop a pressed button's spinner without a word; anything else needs nothing."""
    event = unwrap(event)
    if not isinstance(event, CallbackQuery):
        return
    try:
        await event.answer()
    except TelegramAPIError as exc:
        log.warning("could not answer a button press: %s", exc)


def unwrap(event: TelegramObject) -> TelegramObject:
    """The message or button press inside an update (update-level middlewares see the Update)."""
    if isinstance(event, Update):
        return event.message or event.callback_query or event
    return event


async def _send_to_event_chat(data: dict[str, Any], text: str) -> None:
    bot: Bot = data["bot"]
    chat: Chat | None = data.get("event_chat")
    user: User | None = data.get("event_from_user")
    target = chat.id if chat else (user.id if user else None)
    if target is not None:
        await bot.send_message(target, text)
