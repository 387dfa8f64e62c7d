"""/audit [team|strangers|MEMBER|KIND]: the latest audit log entries, the team's unless asked otherwise."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from handlers.views.audit import AuditFilter, FilterKind, audit_text, unknown_filter_text
from services.audit import AuditEntry, AuditLog
from services.team import Role, TeamDirectory

AUDIT_PAGE = 20


async def show_audit(
    message: Message, command: CommandObject, audit: AuditLog, team: TeamDirectory, tz: ZoneInfo
) -> None:
    word = (command.args or "").strip()
    kinds = await audit.kinds()
    chosen = parse_filter(word, team, kinds)
    if chosen is None:
        await message.answer(unknown_filter_text(word, team, kinds), parse_mode=ParseMode.HTML)
        return
    entries = await _entries(audit, chosen)
    await message.answer(audit_text(entries, team, tz, chosen), parse_mode=ParseMode.HTML)


def parse_filter(word: str, team: TeamDirectory, kinds: list[str]) -> AuditFilter | None:
    """What the word names: `team` (also no word), `strangers`, a member (name or id), a kind; else None."""
    lowered = word.lower()
    if lowered in ("", "team"):
        return AuditFilter(FilterKind.TEAM)
    if lowered == "strangers":
        return AuditFilter(FilterKind.STRANGERS)
    for member in team:
        if lowered in (member.name.lower(), str(member.telegram_id)):
            return AuditFilter(FilterKind.MEMBER, member.name, member.telegram_id)
    if word in kinds:
        return AuditFilter(FilterKind.KIND, word)
    return None


async def _entries(audit: AuditLog, chosen: AuditFilter) -> list[AuditEntry]:
    if chosen.kind is FilterKind.STRANGERS:
        return await audit.strangers(AUDIT_PAGE)
    if chosen.kind is FilterKind.MEMBER:
        return await audit.latest(AUDIT_PAGE, actor_id=chosen.member_id)
    if chosen.kind is FilterKind.KIND:
        return await audit.latest(AUDIT_PAGE, action=chosen.value)
    return await audit.latest(AUDIT_PAGE)


def build_router() -> Router:
    router = Router(name="audit")
    router.message.register(show_audit, Command("audit"), flags={"role": Role.ADMIN})
    return router
