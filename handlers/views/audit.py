"""The audit log as Telegram HTML. Everything that came from users is escaped."""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import Enum
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from handlers.views.numbers import moment
from services.audit import AuditEntry
from services.team import TeamDirectory

# Telegram rejects messages over 4096 characters; leave room for the closing ellipsis.
_MESSAGE_BUDGET = 4000
_DETAIL_VALUE_MAX = 80
# an unknown filter is echoed back, shortened
_ECHO_MAX = 40


class FilterKind(Enum):
    TEAM = "team"
    STRANGERS = "strangers"
    MEMBER = "member"
    KIND = "kind"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    kind: FilterKind
    value: str = ""  # the member's name or the kind of entry
    member_id: int | None = None


TEAM_ENTRIES = AuditFilter(FilterKind.TEAM)


def audit_text(
    entries: list[AuditEntry], team: TeamDirectory, tz: ZoneInfo, chosen: AuditFilter = TEAM_ENTRIES
) -> str:
    if not entries:
        return html.escape(_empty_text(chosen))
    lines = [html.escape(_title(chosen))]
    used = len(lines[0])
    for entry in entries:
        line = _entry_line(entry, team, tz)
        if used + len(line) + 1 > _MESSAGE_BUDGET:
            lines.append("…")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def unknown_filter_text(word: str, team: TeamDirectory, kinds: list[str]) -> str:
    text = _(
        "Unknown filter {filter}. Use /audit [team|strangers|MEMBER|KIND]. "
        "Members: {members}. Kinds: {kinds}."
    ).format(
        filter=_shorten(word, _ECHO_MAX),
        members=", ".join(member.name for member in team) or "—",
        kinds=", ".join(kinds) or "—",
    )
    return html.escape(text)


def _title(chosen: AuditFilter) -> str:
    if chosen.kind is FilterKind.STRANGERS:
        return _("Latest attempts by people outside the team (one entry per person per hour):")
    if chosen.kind is FilterKind.MEMBER:
        return _("Latest audit log entries of {member}:").format(member=chosen.value)
    if chosen.kind is FilterKind.KIND:
        return _("Latest audit log entries of kind {kind}:").format(kind=chosen.value)
    return _("Latest audit log entries:")


def _empty_text(chosen: AuditFilter) -> str:
    if chosen.kind is FilterKind.TEAM:
        return _("The audit log is empty.")
    return _("No audit log entries match this filter.")


def _entry_line(entry: AuditEntry, team: TeamDirectory, tz: ZoneInfo) -> str:
    member = team.get(entry.actor_id)
    actor = f"{member.name} ({entry.actor_id})" if member else str(entry.actor_id)
    line = f"<code>{moment(entry.time, tz)}</code> <b>{html.escape(entry.action)}</b> {html.escape(actor)}"
    if entry.count > 1:
        attempts = _("attempts: {count}, the first at {since}").format(
            count=entry.count, since=moment(entry.since, tz)
        )
        line += f" <i>{html.escape(attempts)}</i>"
    if entry.details:
        details = ", ".join(f"{key}={_shorten(value)}" for key, value in entry.details.items())
        line += f"\n  <i>{html.escape(details)}</i>"
    return line


def _shorten(value: object, limit: int = _DETAIL_VALUE_MAX) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
