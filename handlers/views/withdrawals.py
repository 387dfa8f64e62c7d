"""Withdrawal previews, approval requests and their states as Telegram HTML, and their buttons."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.views.numbers import amount, moment
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import Vote
from services.team import TeamMember
from services.withdrawals.desk import GateAnswer
from services.withdrawals.policy import PolicyProblem, PolicyRefused
from services.withdrawals.request import WithdrawalPreview, WithdrawalProblem, WithdrawalRejected

# short reason codes in the Reject buttons' data, and their words
REASONS = ("address", "amount", "unexpected", "other")


class WithdrawDecideCb(CallbackData, prefix="wd"):
    """The requester's Confirm or Cancel of the preview (token bound to member, chat, parameters)."""

    confirm: bool
    token: str


class VoteCb(CallbackData, prefix="wv"):
    """An approver's Approve or Reject; a Reject without a reason asks for one."""

    approve: bool
    id: str
    reason: str = ""


class WithdrawCancelCb(CallbackData, prefix="wx"):
    """The requester cancels a request that awaits approval."""

    id: str


def decide_keyboard(token: str) -> InlineKeyboardMarkup:
    confirm = WithdrawDecideCb(confirm=True, token=token).pack()
    cancel = WithdrawDecideCb(confirm=False, token=token).pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="✅ " + _("Confirm"), callback_data=confirm),
                InlineKeyboardButton(text="✖️ " + _("Cancel"), callback_data=cancel),
            ]
        ]
    )


def vote_keyboard(action_id: str) -> InlineKeyboardMarkup:
    approve = VoteCb(approve=True, id=action_id).pack()
    reject = VoteCb(approve=False, id=action_id).pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="✅ " + _("Approve"), callback_data=approve),
                InlineKeyboardButton(text="⛔ " + _("Reject"), callback_data=reject),
            ]
        ]
    )


def reasons_keyboard(action_id: str) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text="⛔ " + _("Reject") + ": " + reason_title(code),
                callback_data=VoteCb(approve=False, id=action_id, reason=code).pack(),
            )
        ]
        for code in REASONS
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def cancel_request_keyboard(action_id: str) -> InlineKeyboardMarkup:
    data = WithdrawCancelCb(id=action_id).pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="✖️ " + _("Cancel"), callback_data=data)]]
    )


def reason_title(code: str) -> str:
    titles = {
        "address": _("wrong address"),
        "amount": _("wrong amount"),
        "unexpected": _("not expected"),
        "other": _("other reason"),
    }
    return titles.get(code, _("other reason"))


def _rows(account: str, params: dict[str, str] | WithdrawalPreview) -> list[tuple[str, str]]:
    if isinstance(params, WithdrawalPreview):
        p = params
        values = {
            "asset": p.asset,
            "amount": str(p.amount),
            "address": p.address,
            **({"memo": p.memo} if p.memo else {}),
            **({"network": p.network} if p.network else {}),
            **({"fee": str(p.fee)} if p.fee is not None else {}),
            **({"receive": str(p.receive)} if p.receive is not None else {}),
        }
    else:
        values = params
    asset = html.escape(values["asset"])
    rows = [
        (_("Account"), html.escape(account)),
        (_("Amount"), f"{amount(Decimal(values['amount']))} {asset}"),
        (_("Address"), f"<code>{html.escape(values['address'])}</code>"),
    ]
    if "network" in values:
        rows.append((_("Network"), html.escape(values["network"])))
    if "memo" in values:
        rows.append((_("Memo"), f"<code>{html.escape(values['memo'])}</code>"))
    if "fee" in values:
        rows.append((_("Exchange fee"), f"{amount(Decimal(values['fee']))} {asset}"))
    else:
        rows.append((_("Exchange fee"), html.escape(_("not told by the exchange"))))
    if "receive" in values:
        rows.append((_("Arrives"), f"{amount(Decimal(values['receive']))} {asset}"))
    return rows


def _table(title: str, rows: list[tuple[str, str]]) -> list[str]:
    return [f"<b>{html.escape(title)}</b>", *(f"{html.escape(label)}: {value}" for label, value in rows)]


def preview_text(preview: WithdrawalPreview, approvals_required: int) -> str:
    rows = _rows(preview.account, preview)
    rows.append((_("Free after"), f"{amount(preview.free_after)} {html.escape(preview.asset)}"))
    lines = _table(_("Withdrawal preview: {asset}").format(asset=preview.asset), rows)
    lines.append("")
    note = _("On Confirm, {count} other approver(s) must approve before anything is sent.")
    lines.append(html.escape(note.format(count=approvals_required)))
    return "\n".join(lines)


def request_text(action: Action, requester: str, approved_by: Sequence[TeamMember], required: int) -> str:
    """What approvers see (and the requester's edited preview): the request and where it stands."""
    lines = _table(
        _("Withdrawal request from {name}").format(name=requester), _rows(action.account, dict(action.params))
    )
    lines.append("")
    lines.append(state_text(action, approved_by, required))
    return "\n".join(lines)


def _names(members: Sequence[TeamMember]) -> str:
    return html.escape(", ".join(m.name for m in members) or "—")


def state_text(action: Action, approved_by: Sequence[TeamMember], required: int) -> str:
    state = action.state
    if state is ActionState.AWAITING_APPROVAL:
        text = _("Waiting for approval: {count} of {required}. Approved by: {names}").format(
            count=len(approved_by), required=required, names=_names(approved_by)
        )
        return "⏳ " + text
    if state in (ActionState.APPROVED, ActionState.SUBMITTING):
        return "⏳ " + _("Approved by {names}. Sending to the exchange…").format(names=_names(approved_by))
    if state in (ActionState.SUBMITTED, ActionState.COMPLETED):
        line = _("Sent: withdrawal {id}, approved by {names}.").format(
            id=html.escape(action.exchange_id or "—"), names=_names(approved_by)
        )
        txid = action.result.get("txid")
        if txid:
            line += " " + _("txid {txid}").format(txid=f"<code>{html.escape(txid)}</code>")
        return "✅ " + line
    if state is ActionState.FAILED:
        return "❌ " + _("Not sent: {reason}").format(reason=html.escape(action.error[:200]))
    if state is ActionState.UNKNOWN:
        return "⚠️ " + html.escape(
            _(
                "No definite answer from the exchange. The withdrawal is not sent again; "
                "an admin must check it at the exchange."
            )
        )
    if state is ActionState.REJECTED:
        if action.error.startswith("policy:"):
            return "⛔ " + html.escape(_("Refused by the withdrawal policy. Nothing was sent."))
        return "⛔ " + _("Rejected ({reason}). Nothing was sent.").format(
            reason=html.escape(reason_title(action.error))
        )
    if state is ActionState.CANCELLED:
        return "✖️ " + html.escape(_("Cancelled by the requester. Nothing was sent."))
    if state is ActionState.EXPIRED:
        return "⌛ " + html.escape(_("Expired without enough approvals. Nothing was sent."))
    return html.escape(_("Status: {state}").format(state=state.value))


def vote_refusal(vote: Vote | GateAnswer) -> str:
    """An alert for the presser: why the press changed nothing."""
    texts: dict[Vote | GateAnswer, str] = {
        Vote.OWN: _("You cannot approve or reject your own request."),
        Vote.NOT_APPROVER: _("This needs another approver."),
        Vote.DUPLICATE: _("You have already approved this request."),
        Vote.EXPIRED: _("This request has expired. Nothing was sent."),
        Vote.GONE: _("This request no longer exists."),
        GateAnswer.CODE_NEEDED: _("This approval needs a code."),
        GateAnswer.CODE_WRONG: _("Wrong code: the approval was not counted."),
        GateAnswer.CODE_LOCKED: _("Too many wrong codes: your approvals are locked for 15 minutes."),
        GateAnswer.LOCKED: _("Too many wrong codes: your approvals are locked for 15 minutes."),
        GateAnswer.NOT_ENROLLED: _(
            "This approval needs a code: enrol first with /2fa in a private chat with me."
        ),
    }
    return texts.get(vote, _("This was already decided."))


def vote_answer(vote: Vote) -> str:
    texts = {
        Vote.COUNTED: _("Approval counted."),
        Vote.APPROVED: _("Approved: sending."),
        Vote.REJECTED: _("Rejected."),
    }
    return texts[vote]


def problem_text(rejected: WithdrawalRejected) -> str:
    limit = "" if rejected.limit is None else amount(rejected.limit)
    asset = html.escape(rejected.asset)
    choices = html.escape(", ".join(rejected.choices))
    texts = {
        WithdrawalProblem.BAD_ASSET: _("The asset must be a code like BTC or USDT."),
        WithdrawalProblem.UNKNOWN_ASSET: _("This account holds no {asset}."),
        WithdrawalProblem.NETWORK_REQUIRED: _("Choose a network with network=..., one of: {choices}"),
        WithdrawalProblem.UNKNOWN_NETWORK: _("Unknown network. Choose one of: {choices}"),
        WithdrawalProblem.NETWORK_NOT_TAKEN: _("This exchange takes no network: leave network= out."),
        WithdrawalProblem.MEMO_NOT_USED: _("{asset} withdrawals here take no memo: leave memo= out."),
        WithdrawalProblem.MEMO_REQUIRED: _("{asset} needs a memo: add memo=..."),
        WithdrawalProblem.BAD_MEMO: _("The memo may hold letters, digits, - and _ only (at most 64)."),
        WithdrawalProblem.ADDRESS_SPACES: _("The address contains spaces or invisible characters."),
        WithdrawalProblem.ADDRESS_TOO_LONG: _("The address is too long."),
        WithdrawalProblem.ADDRESS_CHECKSUM: _("The address has a wrong checksum: check it for a typo."),
        WithdrawalProblem.ADDRESS_NETWORK: _("This is not a {asset} address on the chosen network."),
        WithdrawalProblem.AMOUNT_TOO_SMALL: _("The amount is below the minimum of {limit} {asset}."),
        WithdrawalProblem.AMOUNT_NOT_ABOVE_FEE: _("The amount must be more than the fee of {limit} {asset}."),
        WithdrawalProblem.INSUFFICIENT_FUNDS: _(
            "Not enough free balance: at most {limit} {asset} can be withdrawn after the fee."
        ),
    }
    return texts[rejected.problem].format(limit=limit, asset=asset, choices=choices)


def policy_text(refused: PolicyRefused, asset: str, tz: ZoneInfo) -> str:
    limit = "" if refused.limit is None else amount(refused.limit)
    # a worth in the quote is an estimate from prices: cents are enough
    used = "" if refused.used is None else amount(_cents(refused.used) if refused.quote else refused.used)
    value = "" if refused.value is None else amount(_cents(refused.value))
    usable = refused.usable_from
    when = moment(None if usable is None else datetime.fromtimestamp(usable, UTC), tz)
    texts = {
        PolicyProblem.PER_TX: _("Refused by the policy: at most {limit} {asset} per withdrawal."),
        PolicyProblem.PER_DAY: _(
            "Refused by the policy: at most {limit} {asset} in 24 hours; {used} {asset} already requested."
        ),
        PolicyProblem.NOT_ALLOWLISTED: _("Refused by the policy: this address is not on the allowlist."),
        PolicyProblem.ADDRESS_PENDING: _(
            "Refused by the policy: this address is on the allowlist but waiting for an admin's approval."
        ),
        PolicyProblem.ADDRESS_NOT_YET: _("Refused by the policy: this address is usable from {time}."),
        PolicyProblem.PER_TX_QUOTE: _(
            "Refused by the policy: at most {limit} {quote} per withdrawal; "
            "this one is worth about {value} {quote}."
        ),
        PolicyProblem.PER_DAY_QUOTE: _(
            "Refused by the policy: at most {limit} {quote} in 24 hours; {used} {quote} already requested, "
            "this one is worth about {value} {quote}."
        ),
        PolicyProblem.UNPRICED: _(
            "Refused by the policy: its limits are set in {quote}, and no price values this withdrawal in "
            "{quote} now. Try again later."
        ),
    }
    text = texts[refused.problem].format(
        limit=limit, asset=asset, used=used, time=when, value=value, quote=refused.quote
    )
    return html.escape(text)


def _cents(value: Decimal) -> Decimal:
    try:
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # too large to quantize: shown as it is
        return value


def usage_text() -> str:
    return html.escape(_("Usage: /withdraw ACCOUNT ASSET AMOUNT ADDRESS [memo=...] [network=...]"))


def cancel_refusal() -> str:
    return _("Only the requester can cancel, and only while it awaits approval.")


def unknown_admins_text(action: Action) -> str:
    return "⚠️ " + _(
        "Withdrawal {id} on {account}: no definite answer from the exchange. Check it there."
    ).format(id=html.escape(action.id), account=html.escape(action.account))


def request_state_title(state: ActionState) -> str:
    """A withdrawal request's state in a word or two, for the list of /withdrawals."""
    titles = {
        ActionState.AWAITING_APPROVAL: _("waiting for approval"),
        ActionState.APPROVED: _("sending"),
        ActionState.SUBMITTING: _("sending"),
        ActionState.SUBMITTED: _("sent"),
        ActionState.COMPLETED: _("done"),
        ActionState.FAILED: _("failed"),
        ActionState.UNKNOWN: _("no definite answer: for an admin to check"),
        ActionState.REJECTED: _("rejected"),
        ActionState.CANCELLED: _("cancelled"),
        ActionState.EXPIRED: _("expired"),
    }
    return titles.get(state, state.value)


# states in which the withdrawal may have reached the exchange: their line says the txid or its absence
_SENT = frozenset({ActionState.SUBMITTING, ActionState.SUBMITTED, ActionState.COMPLETED, ActionState.UNKNOWN})


def requests_block(requests: Sequence[Action], tz: ZoneInfo) -> str:
    """The withdrawals requested through the bot, newest first: state, the exchange's id, the txid."""
    lines = [f"<b>{html.escape(_('Requested through the bot'))}</b>"]
    for action in requests:
        params = action.params
        when = moment(datetime.fromtimestamp(action.created_at, UTC), tz)
        parts = [
            f"<i>{when}</i> {amount(Decimal(params['amount']))} <b>{html.escape(params['asset'])}</b>",
            html.escape(action.account),
            html.escape(request_state_title(action.state)),
        ]
        if action.exchange_id:
            parts.append(html.escape(_("id {id}").format(id=action.exchange_id)))
        txid = action.result.get("txid")
        if txid:
            parts.append(_("txid {txid}").format(txid=f"<code>{html.escape(txid)}</code>"))
        elif action.state in _SENT:
            parts.append("<i>{}</i>".format(html.escape(_("no txid yet"))))
        lines.append(" · ".join(parts))
    return "\n".join(lines)
