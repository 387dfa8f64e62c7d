"""The audit log as Telegram HTML. Everything that came from users is escaped."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from services.audit import AuditEntry
from services.team import TeamDirectory

# Telegram rejects messages over 4096 characters; leave room for the closing ellipsis.
_MESSAGE_BUDGET = 4000
_DETAIL_VALUE_MAX = 80


def audit_text(entries: list[AuditEntry], team: TeamDirectory, tz: ZoneInfo) -> str:
    if not entries:
        return _("The audit log is empty.")
    lines = [html.escape(_("Latest audit log entries:"))]
    used = len(lines[0])
    for entry in entries:
        line = _entry_line(entry, team, tz)
        if used + len(line) + 1 > _MESSAGE_BUDGET:
            lines.append("…")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def _entry_line(entry: AuditEntry, team: TeamDirectory, tz: ZoneInfo) -> str:
    when = entry.time.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    member = team.get(entry.actor_id)
    actor = f"{member.name} ({entry.actor_id})" if member else str(entry.actor_id)
    line = f"<code>{when}</code> <b>{html.escape(entry.action)}</b> {html.escape(actor)}"
    if entry.details:
        details = ", ".join(f"{key}={_shorten(value)}" for key, value in entry.details.items())
        line += f"\n  <i>{html.escape(details)}</i>"
    return line


def _shorten(value: object) -> str:
    text = str(value)
    return text if len(text) <= _DETAIL_VALUE_MAX else text[: _DETAIL_VALUE_MAX - 1] + "…"
