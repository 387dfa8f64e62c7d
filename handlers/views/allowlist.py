"""The withdrawal allowlist as Telegram HTML: the list, a proposed address with Approve and Reject for
admins, and the refusals of /allowlist."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.views.common import echo
from handlers.views.numbers import moment
from services.team import TeamDirectory, TeamMember
from services.withdrawals.allowlist import APPROVED, Entry, EntryVote


class EntryCb(CallbackData, prefix="ae"):
    """An admin's Approve or Reject of an address proposed for the allowlist."""

    approve: bool
    id: str


def entry_keyboard(entry_id: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="✅ " + _("Approve"), callback_data=EntryCb(approve=True, id=entry_id).pack()
                ),
                InlineKeyboardButton(
                    text="⛔ " + _("Reject"), callback_data=EntryCb(approve=False, id=entry_id).pack()
                ),
            ]
        ]
    )


def _when(timestamp: float | None, tz: ZoneInfo) -> str:
    return moment(None if timestamp is None else datetime.fromtimestamp(timestamp, UTC), tz)


def _status(entry: Entry, tz: ZoneInfo) -> str:
    if entry.state != APPROVED:
        return _("waiting for an admin's approval")
    if entry.usable(datetime.now(UTC).timestamp()):
        return _("usable")
    return _("usable from {time}").format(time=_when(entry.usable_from, tz))


def entry_text(
    entry: Entry, proposer: str, tz: ZoneInfo, decided_by: TeamMember | None = None, *, approved: bool = False
) -> str:
    lines = [
        f"<b>{html.escape(_('Allowlist: new address from {name}').format(name=proposer))}</b>",
        f"{html.escape(_('Account'))}: {html.escape(entry.account)}",
        f"{html.escape(_('Asset'))}: {html.escape(entry.asset)}",
        f"{html.escape(_('Address'))}: <code>{html.escape(entry.address)}</code>",
    ]
    if entry.label:
        lines.append(f"{html.escape(_('Label'))}: {html.escape(entry.label)}")
    lines.append("")
    if decided_by is None:
        lines.append("⏳ " + html.escape(_status(entry, tz)))
    elif approved:
        line = _("Approved by {name}; usable from {time}.").format(
            name=decided_by.name, time=_when(entry.usable_from, tz)
        )
        lines.append("✅ " + html.escape(line))
    else:
        lines.append("⛔ " + html.escape(_("Rejected by {name}.").format(name=decided_by.name)))
    return "\n".join(lines)


def list_text(
    pinned: list[tuple[str, str, str]], entries: list[Entry], team: TeamDirectory, tz: ZoneInfo
) -> str:
    if not pinned and not entries:
        return html.escape(
            _("The allowlist is empty: withdrawals may go to any address that passes the checks.")
        )
    lines = [f"<b>{html.escape(_('Withdrawal allowlist'))}</b>"]
    for account, asset, address in pinned:
        lines.append(_row(account, asset, address) + " — " + html.escape(_("pinned in the config")))
    for entry in entries:
        member = team.get(entry.added_by)
        label = f" ({html.escape(entry.label)})" if entry.label else ""
        row = _row(entry.account, entry.asset, entry.address)
        by = _("added by {name}").format(name=member.name if member else entry.added_by)
        lines.append(f"{row}{label} — {html.escape(_status(entry, tz))}, {html.escape(by)}")
    return "\n".join(lines)


def _row(account: str, asset: str, address: str) -> str:
    return f"{html.escape(account)} {html.escape(asset)} <code>{html.escape(address)}</code>"


def proposed_text(delay_h: float, admins: int) -> str:
    if admins == 0:
        return html.escape(
            _("Added, but no other admin can approve it: an address you add needs another admin.")
        )
    text = _("Added. It becomes usable {hours} h after an admin approves it.")
    return html.escape(text.format(hours=f"{delay_h:g}"))


def usage_text() -> str:
    return html.escape(
        _(
            "Usage: /allowlist, /allowlist add ACCOUNT ASSET ADDRESS [label], "
            "/allowlist remove ACCOUNT ASSET ADDRESS"
        )
    )


def already_listed_text(address: str) -> str:
    return _("{address} is already on the allowlist of this account and asset.").format(address=echo(address))


def bad_label_text() -> str:
    return _("The label may hold letters, digits, spaces and . , : / ( ) + - only (at most 40).")


def not_listed_text(address: str) -> str:
    return _("{address} was not added from chat for this account and asset.").format(address=echo(address))


def removed_text(entry: Entry) -> str:
    return _("Removed {address} from the allowlist.").format(address=echo(entry.address))


def entry_refusal(vote: EntryVote | None) -> str:
    texts = {
        EntryVote.OWN: _("An address you added needs another admin's approval."),
        EntryVote.GONE: _("This address is no longer on the allowlist."),
    }
    return (
        texts.get(vote, _("This was already decided."))
        if vote is not None
        else _("This was already decided.")
    )
