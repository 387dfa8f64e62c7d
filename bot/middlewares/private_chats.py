"""Commands are answered in private chats only: a group never receives data a command asked for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType, MessageEntityType
from aiogram.types import Message, TelegramObject, Update

from bot.middlewares.replies import notify
from handlers.views.common import write_privately_text
from services.throttle import Throttle


class PrivateChatsOnly(BaseMiddleware):
    """Outer update middleware, before the team check: a message in a group or channel runs no
    handler, whoever sent it. A command there gets one line pointing to the private chat, at
    most once per window per chat so a busy group is not flooded.

    Button presses pass: the notifications group accepts them, each checked against the
    presser's own role.
    """

    def __init__(self, throttle: Throttle) -> None:
        self._throttle = throttle

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        message = event.message if isinstance(event, Update) else None
        if message is None or message.chat.type == ChatType.PRIVATE:
            return await handler(event, data)
        if _is_command(message) and await self._throttle.allow(message.chat.id):
            await notify(event, data, write_privately_text())
        return None


def _is_command(message: Message) -> bool:
    return any(
        entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0
        for entity in message.entities or []
    )
