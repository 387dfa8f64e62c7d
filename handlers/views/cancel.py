"""Cancelling an open order or an exchanger bid: the row buttons that open a preview, and the preview."""

from __future__ import annotations

import html
from collections.abc import Iterable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from handlers.views.common import echo
from handlers.views.history import side_text
from handlers.views.numbers import amount
from services.exchanges.exchanger.models import Bid, BidRecord
from services.exchanges.models import Order

CALLBACK_LIMIT = 64  # Telegram's limit on callback data, in bytes


class CancelOrderCb(CallbackData, prefix="oc"):
    """Opens the cancel preview of one open order (a row of /orders)."""

    account: str
    order_id: str


class CancelBidCb(CallbackData, prefix="bc"):
    """Opens the cancel preview of one exchanger bid (a row of /bids)."""

    account: str
    bid_id: str


def _fits(data: CallbackData) -> str | None:
    """The packed data, or None where a long account name or id would pass Telegram's limit (then the
    row has no button; /cancel still works)."""
    try:
        packed = data.pack()
    except ValueError:  # a ':' in an id
        return None
    return packed if len(packed.encode()) <= CALLBACK_LIMIT else None


def order_cancel_buttons(rows: Iterable[tuple[str, Order]]) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    buttons: list[tuple[InlineKeyboardButton, ...]] = []
    for account, order in rows:
        packed = _fits(CancelOrderCb(account=account, order_id=order.id))
        if packed is None:
            continue
        label = f"✖️ {_('Cancel')} {side_text(order.side)} {order.symbol} {amount(order.amount)}"
        buttons.append((InlineKeyboardButton(text=label, callback_data=packed),))
    return tuple(buttons)


def bid_cancel_buttons(rows: Iterable[tuple[str, BidRecord]]) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    buttons: list[tuple[InlineKeyboardButton, ...]] = []
    for account, bid in rows:
        packed = _fits(CancelBidCb(account=account, bid_id=bid.id))
        if packed is None:
            continue
        label = f"✖️ {_('Cancel')} #{bid.id} {amount(bid.amount_give)} {bid.give_code}"
        buttons.append((InlineKeyboardButton(text=label, callback_data=packed),))
    return tuple(buttons)


def cancel_preview_text(account: str, order: Order) -> str:
    price = amount(order.price) if order.price is not None else _("market")
    rows = [
        (_("Account"), html.escape(account)),
        (_("Order"), f"<code>{html.escape(order.id)}</code>"),
        (_("Pair"), html.escape(order.symbol)),
        (_("Side"), html.escape(side_text(order.side))),
        (_("Amount"), amount(order.amount)),
        (_("Price"), price),
        (_("Filled"), amount(order.filled)),
    ]
    lines = [f"<b>{html.escape(_('Cancel order?'))}</b>"]
    lines += [f"{html.escape(label)}: {value}" for label, value in rows]
    lines += ["", html.escape(_("Nothing is sent until you press Confirm."))]
    return "\n".join(lines)


def bid_cancel_preview_text(account: str, bid: Bid) -> str:
    rows = [
        (_("Account"), html.escape(account)),
        (_("Bid"), f"#{html.escape(bid.id)}"),
        (_("You give"), f"{amount(bid.amount_give)} {html.escape(bid.give_code)}"),
        (_("You get"), f"{amount(bid.amount_get)} {html.escape(bid.get_code)}"),
    ]
    lines = [f"<b>{html.escape(_('Cancel bid?'))}</b>"]
    lines += [f"{html.escape(label)}: {value}" for label, value in rows]
    lines += ["", html.escape(_("Nothing is sent until you press Confirm."))]
    return "\n".join(lines)


def order_not_open_text(account: str, order_id: str) -> str:
    return _(
        "No open order {order_id} on {account}: it may be filled or cancelled already. Nothing was sent."
    ).format(order_id=f"<code>{echo(order_id)}</code>", account=html.escape(account))


def cancel_usage_text() -> str:
    return html.escape(_("Usage: /cancel ACCOUNT ORDER_ID. /orders shows the ids."))
