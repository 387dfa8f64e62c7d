"""Enforces the least role a handler declares with `flags={"role": Role.X}`; no flag, no entry."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.types import TelegramObject

from bot.metrics import BotMetrics
from bot.middlewares.replies import notify
from handlers.views.common import not_available_text, role_required_text
from services.audit import AuditLog
from services.team import Role, TeamMember

log = logging.getLogger(__name__)

ROLE_FLAG = "role"
# what the access_denied metric and the audit log call a handler that declares no role
UNDECLARED = "undeclared"


class RoleMiddleware(BaseMiddleware):
    """Inner middleware: flags belong to the matched handler, so only inner middlewares see them.

    Roles deny by default: a handler that forgot its flag is refused to everyone (and the log
    says which one), so a new feature cannot open itself to the lowest role by omission.
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
        required: Role | None = get_flag(data, ROLE_FLAG)
        member: TeamMember = data["member"]
        if isinstance(required, Role) and member.can(required):
            return await handler(event, data)
        label = required.label if isinstance(required, Role) else UNDECLARED
        self._metrics.access_denied.labels(label).inc()
        name = _handler_name(data)
        if not isinstance(required, Role):
            log.error("handler %s declares no role flag; refused to %s", name, member.telegram_id)
        await self._audit.record(
            member.telegram_id,
            "access_denied",
            {"required": label, "role": member.role.label, "handler": name},
        )
        text = role_required_text(required) if isinstance(required, Role) else not_available_text()
        await notify(event, data, text)
        return None


def _handler_name(data: dict[str, Any]) -> str:
    handler = data.get("handler")
    callback = getattr(handler, "callback", None)
    return getattr(callback, "__qualname__", "unknown")
