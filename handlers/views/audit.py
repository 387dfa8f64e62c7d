"""The audit log as Telegram HTML. Everything that came from users is escaped."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from handlers.views.numbers import moment
from services.audit import AuditCheck, AuditEntry, AuditWindow
from services.audit_chain import ChainBreak, ChainLink, ChainReport
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
    ACCOUNT = "account"
    KIND = "kind"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    kind: FilterKind
    value: str = ""  # the member's name, the account or the kind of entry
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


def unknown_filter_text(word: str, team: TeamDirectory, kinds: list[str], accounts: list[str]) -> str:
    text = _(
        "Unknown filter {filter}. Use /audit [team|strangers|MEMBER|KIND]. "
        "Members: {members}. Kinds: {kinds}."
    ).format(
        filter=_shorten(word, _ECHO_MAX),
        members=", ".join(member.name for member in team) or "—",
        kinds=", ".join(kinds) or "—",
    )
    more = _(
        "Accounts: {accounts}. /audit verify checks that no entry was changed or removed; "
        "/audit export sends every entry as a CSV document."
    ).format(accounts=", ".join(accounts) or "—")
    return html.escape(f"{text} {more}")


def empty_log_text() -> str:
    return html.escape(_("The audit log is empty."))


def verify_text(check: AuditCheck, tz: ZoneInfo) -> str:
    report, window = check.report, check.window
    if not report.intact:
        return _broken_text(report, tz)
    lines = []
    if report.first is not None and report.last is not None:
        lines += [
            html.escape(_("Chain intact: {count} entries from {first} to {last}.")).format(
                count=report.count, first=_link_ref(report.first, tz), last=_link_ref(report.last, tz)
            ),
            _start_text(window),
            html.escape(_("Newest hash: {hash}")).format(hash=_code(window.head)),
        ]
    if report.unchained:
        lines.append(
            html.escape(_("{count} older entries predate the chain and are not covered.")).format(
                count=report.unchained
            )
        )
    return "\n".join(lines) or empty_log_text()


def export_caption(window: AuditWindow, file_name: str, tz: ZoneInfo) -> str:
    first, last = window.links[0], window.links[-1]
    command = f"python -m services.audit_verify {file_name} --anchor {window.start} --head {window.head}"
    return "\n".join(
        [
            html.escape(_("Audit log: {count} entries from {first} to {last}.")).format(
                count=len(window.links), first=_link_ref(first, tz), last=_link_ref(last, tz)
            ),
            html.escape(_("Anyone holding this file can check that no entry was changed or removed:")),
            _code(command),
        ]
    )


def _broken_text(report: ChainReport, tz: ZoneInfo) -> str:
    if report.broken is None:
        return html.escape(_("Chain broken: every entry was removed."))
    if report.problem is ChainBreak.CHANGED:
        reason = html.escape(_("its content does not match its hash: it was changed."))
    elif report.problem is ChainBreak.GAP and report.last is not None:
        reason = html.escape(
            _("it does not follow entry {entry}: an entry in between was removed or changed.")
        ).format(entry=_link_ref(report.last, tz))
    elif report.problem is ChainBreak.HEAD:
        reason = html.escape(_("it is not the newest entry the log recorded: newer entries were removed."))
    else:
        reason = html.escape(_("it does not start from the anchor: older entries were removed or changed."))
    return html.escape(_("Chain broken at entry {entry}: {reason}")).format(
        entry=_link_ref(report.broken, tz), reason=reason
    )


def _start_text(window: AuditWindow) -> str:
    if window.trimmed:
        return html.escape(
            _(
                "{count} older entries were trimmed; "
                "the oldest kept entry starts from their checkpoint {hash}."
            )
        ).format(count=window.trimmed, hash=_code(window.start))
    return html.escape(_("The oldest entry starts from the log's anchor {hash}.")).format(
        hash=_code(window.start)
    )


def _link_ref(link: ChainLink, tz: ZoneInfo) -> str:
    """An entry as a reader finds it again in the log and in an export: id, time and action."""
    try:
        when = moment(datetime.fromisoformat(link.time), tz, seconds=True)
    except ValueError:  # a time written by hand into Redis or into a file: shown as it is
        when = _shorten(link.time, _ECHO_MAX)
    return f"<code>{html.escape(link.entry_id)}</code> ({html.escape(when)}, {html.escape(link.action)})"


def _code(text: str) -> str:
    return f"<code>{html.escape(text)}</code>"


def _title(chosen: AuditFilter) -> str:
    if chosen.kind is FilterKind.STRANGERS:
        return _("Latest attempts by people outside the team (one entry per person per hour):")
    if chosen.kind is FilterKind.MEMBER:
        return _("Latest audit log entries of {member}:").format(member=chosen.value)
    if chosen.kind is FilterKind.ACCOUNT:
        return _("Latest audit log entries about account {account}:").format(account=chosen.value)
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
