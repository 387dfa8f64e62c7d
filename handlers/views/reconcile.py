"""Actions whose outcome was unknown (orders, cancels, bids, bid cancels, withdrawals): what admins and
the member are told, and the Settle buttons. An order keeps its own wording; the other kinds are named."""

from __future__ import annotations

import html
from collections.abc import Mapping
from decimal import Decimal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.views.numbers import amount
from handlers.views.orders import side_title, type_title
from services.actions.records import Action
from services.actions.states import ActionState
from services.bids import BID, BID_CANCEL
from services.exchanges.models import OrderSide, OrderType
from services.orders.desk import CANCEL, ORDER
from services.orders.reconcile import Settled
from services.withdrawals.desk import WITHDRAWAL

NOT_PLACED = -1  # SettleCb.pick for "not placed"; else the candidate's number


class SettleCb(CallbackData, prefix="st"):
    """An admin settles an unknown action: the candidate it was (its number), or not placed."""

    action: str
    pick: int


ORDER_PARAMS = ("pair", "side", "type", "amount")


def kind_title(kind: str) -> str:
    """The action's kind as admins read it ("withdrawal"); an unlisted kind as it is named in code."""
    titles = {
        ORDER: _("order"),
        CANCEL: _("order cancel"),
        BID: _("exchanger bid"),
        BID_CANCEL: _("bid cancel"),
        WITHDRAWAL: _("withdrawal"),
    }
    return titles.get(kind, kind)


def order_line(action: Action) -> str:
    """The order's parameters in one line: side, type, amount, pair, price, account; another kind of
    action (a withdrawal, a bid) as its parameters, name by name."""
    params = action.params
    if action.kind != ORDER or not all(name in params for name in ORDER_PARAMS):
        listed = ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in params.items())
        return f"{html.escape(action.kind)}: {listed}, " + _("account {account}").format(
            account=html.escape(action.account)
        )
    base = params["pair"].partition("/")[0]
    price = params.get("price")
    words = _("{side} · {type}: {amount} {base} on {pair}, price {price}, account {account}").format(
        side=side_title(OrderSide(params["side"])),
        type=type_title(OrderType(params["type"])),
        amount=amount(Decimal(params["amount"])),
        base=html.escape(base),
        pair=html.escape(params["pair"]),
        price=amount(Decimal(price)) if price else _("market"),
        account=html.escape(action.account),
    )
    return words


def unknown_text(action: Action, member: str) -> str:
    if action.kind == ORDER:
        head = _("⚠️ Outcome unknown: an order by {member} may or may not have been placed.").format(
            member=html.escape(member)
        )
    else:
        head = _(
            "⚠️ Outcome unknown ({kind}): sent by {member}, it may or may not have reached the exchange."
        ).format(kind=html.escape(kind_title(action.kind)), member=html.escape(member))
    tail = _("It is not sent again. The bot is looking it up; reference {id}.").format(id=action.id)
    reason = _("Reason: {reason}").format(reason=html.escape(action.error[:200]))
    return "\n".join((f"<b>{head}</b>", order_line(action), reason, tail))


def candidate_line(number: int, found: Mapping[str, str], kind: str = ORDER) -> str:
    if kind in (ORDER, CANCEL):
        facts = [_("order {id}").format(id=html.escape(found["id"]))]
    else:
        facts = [f"{html.escape(kind_title(kind))} {html.escape(found['id'])}"]
    if "amount" in found:
        facts.append(_("amount {amount}").format(amount=amount(Decimal(found["amount"]))))
    if "price" in found:
        facts.append(_("price {price}").format(price=amount(Decimal(found["price"]))))
    if "filled" in found:
        facts.append(_("filled {filled}").format(filled=amount(Decimal(found["filled"]))))
    if "address" in found:
        facts.append(_("to {address}").format(address=html.escape(found["address"])))
    if found.get("txid"):
        facts.append(_("txid {txid}").format(txid=html.escape(found["txid"])))
    facts.append(_("status {status}").format(status=html.escape(found.get("status", ""))))
    if "time" in found:
        facts.append(html.escape(found["time"]))
    return f"{number + 1}. " + ", ".join(facts)


def undecided_text(action: Action) -> str:
    candidates = action.candidates or ()
    order = action.kind == ORDER
    if order:
        head = _("❓ The bot could not settle order {id} by itself.").format(id=action.id)
    else:
        head = _("❓ The bot could not settle this {kind} by itself (reference {id}).").format(
            kind=html.escape(kind_title(action.kind)), id=action.id
        )
    lines = ["<b>" + head + "</b>", order_line(action)]
    if candidates:
        lines.append(
            _("Orders at the exchange that could be it:") if order else _("What the exchange shows:")
        )
        lines += [candidate_line(i, c, action.kind) for i, c in enumerate(candidates)]
    else:
        lines.append(
            _("No order at the exchange matches it.") if order else _("Nothing at the exchange matches it.")
        )
    lines.append(_("Check the exchange, then settle it with a button."))
    return "\n".join(lines)


def settle_keyboard(action: Action) -> InlineKeyboardMarkup:
    placed = _("Settle as placed {id}") if action.kind == ORDER else _("Settle as done: {id}")
    rows = [
        [
            InlineKeyboardButton(
                text=placed.format(id=c["id"]),
                callback_data=SettleCb(action=action.id, pick=i).pack(),
            )
        ]
        for i, c in enumerate(action.candidates or ())
    ]
    rows.append(
        [
            InlineKeyboardButton(
                text=_("Settle as not placed") if action.kind == ORDER else _("Settle as not done"),
                callback_data=SettleCb(action=action.id, pick=NOT_PLACED).pack(),
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def settled_line(action: Action) -> str:
    done = action.state in (ActionState.SUBMITTED, ActionState.COMPLETED)
    if action.kind == ORDER:
        if done:
            return _("✅ Checked: it was placed, order {order_id}.").format(
                order_id=html.escape(action.exchange_id)
            )
        return _("❌ Checked: it was not placed. Nothing was sent again.")
    if done:
        return _("✅ Checked: the exchange took it ({id}).").format(id=html.escape(action.exchange_id))
    return _("❌ Checked: the exchange did not take it ({reason}). Nothing was sent again.").format(
        reason=html.escape(action.error[:200])
    )


def settled_text(action: Action, admin: str | None) -> str:
    if action.kind == ORDER:
        head = _("Order {id} with an unknown outcome is settled.").format(id=action.id)
    else:
        head = _("Settled: the {kind} with an unknown outcome (reference {id}).").format(
            kind=html.escape(kind_title(action.kind)), id=action.id
        )
    lines = ["<b>" + head + "</b>", order_line(action), settled_line(action)]
    if admin is not None:
        lines.append(_("Settled by {admin}.").format(admin=html.escape(admin)))
    return "\n".join(lines)


def settle_answer(result: Settled) -> str:
    """The alert for the admin who pressed Settle."""
    texts = {
        Settled.PLACED: _("Settled as placed."),
        Settled.NOT_PLACED: _("Settled as not placed."),
        Settled.DECIDED: _("This was already settled."),
        Settled.STALE: _("This choice is out of date; use the newest message."),
    }
    return texts[result]
