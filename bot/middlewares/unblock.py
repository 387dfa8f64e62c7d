"""A member who writes to the bot again has unblocked it: their pushes are sent again.

The outbox stops sending to a member when Telegram says they blocked the bot; Telegram tells a bot
nothing when it is unblocked, but a message or a button press from them means it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.middlewares.user_state import USER_STATE_KEY, UserState
from services.outbox.queue import Outbox
from services.team import TeamMember


class UnblockOnContact(BaseMiddleware):
    """After UserStateMiddleware, which read whether the member is marked: only a marked member
    costs a write, not every update."""

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        member: TeamMember | None = data.get("member")
        user_state: UserState | None = data.get(USER_STATE_KEY)
        if member is not None and user_state is not None and user_state.blocked:
            await self._outbox.unblock(member.telegram_id)
        return await handler(event, data)
