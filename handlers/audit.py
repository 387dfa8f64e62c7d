from __future__ import annotations

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command
from aiogram.types import Message

from bot.config import Config
from handlers.views.audit import audit_text
from services.audit import AuditLog
from services.team import Role, TeamDirectory

AUDIT_PAGE = 20


async def show_audit(message: Message, audit: AuditLog, team: TeamDirectory, config: Config) -> None:
    entries = await audit.latest(AUDIT_PAGE)
    await message.answer(audit_text(entries, team, config.display.tzinfo), parse_mode=ParseMode.HTML)


def build_router() -> Router:
    router = Router(name="audit")
    router.message.register(show_audit, Command("audit"), flags={"role": Role.ADMIN})
    return router
