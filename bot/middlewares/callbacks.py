"""Every button press is answered, so no button keeps spinning."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject

from bot.middlewares.replies import notify
from handlers.views.common import outdated_button_text


class UnmatchedButtonMiddleware(BaseMiddleware):
    """Outer middleware on the root router's callback queries: it wraps the search through every
    router, so it sees when no handler took the press (forged, outdated or unknown data) and
    answers it with an alert to the presser.

    Handlers answer their own presses; refusals (roles, strangers, Redis outage) are answered
    where they are decided; the error handler answers failures.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        result = await handler(event, data)
        if result is UNHANDLED:
            await notify(event, data, outdated_button_text())
        return result
