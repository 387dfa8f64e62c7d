"""Who is asking: team members get through with `member` in handler data, strangers are turned away."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from bot.metrics import BotMetrics
from bot.middlewares.replies import acknowledge, notify
from handlers.views.common import not_authorized_text
from services.audit import AuditLog
from services.team import TeamDirectory

log = logging.getLogger(__name__)

# Enough of a stranger's message to see what they tried, not enough to store a novel.
_TEXT_SAMPLE = 100


class TeamMiddleware(BaseMiddleware):
    """Outer update middleware, after the locale is known (the refusal is localized).

    A stranger learns nothing but their own Telegram id (so an admin can add them): one short
    refusal per window, and no handler runs. Their attempts are counted in the audit log, one
    entry per stranger per window, apart from the team's entries.
    """

    def __init__(self, team: TeamDirectory, audit: AuditLog, metrics: BotMetrics, *, window_s: int) -> None:
        self._team = team
        self._audit = audit
        self._metrics = metrics
        self._window_s = window_s

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            # Channel posts and the like: nobody to authorize, nothing to do.
            return None
        member = self._team.get(user.id)
        if member is not None:
            data["member"] = member
            return await handler(event, data)

        self._metrics.unauthorized.inc()
        attempt = await self._audit.record_stranger(
            user.id, _attempt_details(event, user), window_s=self._window_s
        )
        if attempt == 1:
            log.info("update from user %s who is not in the team", user.id)
            await notify(event, data, not_authorized_text(user.id))
        else:
            await acknowledge(event)
        return None


def _attempt_details(event: TelegramObject, user: User) -> dict[str, Any]:
    details: dict[str, Any] = {"username": user.username or "", "name": user.full_name}
    if isinstance(event, Update):
        if event.message is not None:
            details["text"] = (event.message.text or event.message.caption or "")[:_TEXT_SAMPLE]
        elif event.callback_query is not None:
            details["button"] = (event.callback_query.data or "")[:_TEXT_SAMPLE]
    return details
