"""/audit [team|strangers|MEMBER|ACCOUNT|KIND]: the latest audit log entries, the team's unless asked
otherwise; /audit verify: whether the chain is intact; /audit export: every kept entry as a CSV document."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message

from handlers.views.audit import (
    AuditFilter,
    FilterKind,
    audit_text,
    empty_log_text,
    export_caption,
    unknown_filter_text,
    verify_text,
)
from services.audit import AuditEntry, AuditLog
from services.audit_csv import export_csv
from services.monitoring import Monitoring
from services.team import Role, TeamDirectory, TeamMember

AUDIT_PAGE = 20
VERIFY, EXPORT = "verify", "export"


async def show_audit(
    message: Message,
    command: CommandObject,
    audit: AuditLog,
    team: TeamDirectory,
    monitoring: Monitoring,
    member: TeamMember,
    tz: ZoneInfo,
) -> None:
    word = (command.args or "").strip()
    if word.lower() == VERIFY:
        await verify(message, audit, member, tz)
        return
    if word.lower() == EXPORT:
        await export(message, audit, team, member, tz)
        return
    kinds = await audit.kinds()
    accounts = monitoring.accounts.names
    chosen = parse_filter(word, team, kinds, accounts)
    if chosen is None:
        await message.answer(unknown_filter_text(word, team, kinds, accounts), parse_mode=ParseMode.HTML)
        return
    entries = await _entries(audit, chosen)
    await message.answer(audit_text(entries, team, tz, chosen), parse_mode=ParseMode.HTML)


async def verify(message: Message, audit: AuditLog, member: TeamMember, tz: ZoneInfo) -> None:
    check = await audit.verify()
    await message.answer(verify_text(check, tz), parse_mode=ParseMode.HTML)
    details = {"intact": check.report.intact, "entries": check.report.count, "head": check.window.head}
    await audit.record(member.telegram_id, "audit.verify", details)


async def export(
    message: Message, audit: AuditLog, team: TeamDirectory, member: TeamMember, tz: ZoneInfo
) -> None:
    window = await audit.window()
    if not window.links:
        await message.answer(empty_log_text(), parse_mode=ParseMode.HTML)
        return
    names = {someone.telegram_id: someone.name for someone in team}
    name = f"audit-{datetime.now(UTC):%Y%m%d-%H%M%S}.csv"
    await message.answer_document(
        BufferedInputFile(export_csv(window.links, names), name),
        caption=export_caption(window, name, tz),
        parse_mode=ParseMode.HTML,
    )
    # the head exported is sealed into the chain by the entries that follow it
    await audit.record(
        member.telegram_id, "audit.export", {"entries": len(window.links), "head": window.head}
    )


def parse_filter(word: str, team: TeamDirectory, kinds: list[str], accounts: list[str]) -> AuditFilter | None:
    """What the word names: `team` (also no word), `strangers`, a member (name or id), an account, a
    kind; else None."""
    lowered = word.lower()
    if lowered in ("", "team"):
        return AuditFilter(FilterKind.TEAM)
    if lowered == "strangers":
        return AuditFilter(FilterKind.STRANGERS)
    for member in team:
        if lowered in (member.name.lower(), str(member.telegram_id)):
            return AuditFilter(FilterKind.MEMBER, member.name, member.telegram_id)
    for account in accounts:
        if lowered == account.lower():
            return AuditFilter(FilterKind.ACCOUNT, account)
    if word in kinds:
        return AuditFilter(FilterKind.KIND, word)
    return None


async def _entries(audit: AuditLog, chosen: AuditFilter) -> list[AuditEntry]:
    if chosen.kind is FilterKind.STRANGERS:
        return await audit.strangers(AUDIT_PAGE)
    if chosen.kind is FilterKind.MEMBER:
        return await audit.latest(AUDIT_PAGE, actor_id=chosen.member_id)
    if chosen.kind is FilterKind.ACCOUNT:
        return await audit.latest(AUDIT_PAGE, account=chosen.value)
    if chosen.kind is FilterKind.KIND:
        return await audit.latest(AUDIT_PAGE, action=chosen.value)
    return await audit.latest(AUDIT_PAGE)


def build_router() -> Router:
    router = Router(name="audit")
    router.message.register(show_audit, Command("audit"), flags={"role": Role.ADMIN})
    return router
