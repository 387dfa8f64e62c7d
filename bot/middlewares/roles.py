"""Enforces the least role a handler declares with `flags={"role": Role.X}`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.types import TelegramObject

from bot.metrics import BotMetrics
from bot.middlewares.replies import notify
from handlers.views.common import role_required_text
from services.audit import AuditLog
from services.team import Role, TeamMember

ROLE_FLAG = "role"


class RoleMiddleware(BaseMiddleware):
    """Inner middleware: flags belong to the matched handler, so only inner middlewares see them.

    A handler without the flag is open to every team member (the lowest role).
    """

    def __init__(self, audit: AuditLog, metrics: BotMetrics) -> None:
        self._audit = audit
        self._metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        required: Role = get_flag(data, ROLE_FLAG, default=Role.VIEWER)
        member: TeamMember = data["member"]
        if member.can(required):
            return await handler(event, data)
        self._metrics.access_denied.labels(required.label).inc()
        await self._audit.record(
            member.telegram_id,
            "access_denied",
            {"required": required.label, "role": member.role.label, "handler": _handler_name(data)},
        )
        await notify(event, data, role_required_text(required))
        return None


def _handler_name(data: dict[str, Any]) -> str:
    handler = data.get("handler")
    callback = getattr(handler, "callback", None)
    return getattr(callback, "__qualname__", "unknown")
