"""Order previews, results and refusals as Telegram HTML, and the Confirm/Cancel buttons."""

from __future__ import annotations

import html
from decimal import Decimal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.views.common import echo
from handlers.views.numbers import amount, percent
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import Decision
from services.bids import BID, BID_CANCEL
from services.exchanges.models import OrderSide, OrderType
from services.orders.amounts import AmountError, AmountProblem
from services.orders.desk import CANCEL, ORDER
from services.orders.ticket import OrderPreview, OrderProblem, OrderRejected


class DecideCb(CallbackData, prefix="od"):
    """Confirm or Cancel of a previewed action; the token is bound server-side to member, chat and
    the exact parameters."""

    confirm: bool
    token: str


def decision_keyboard(token: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="✅ " + _("Confirm"), callback_data=DecideCb(confirm=True, token=token).pack()
                ),
                InlineKeyboardButton(
                    text="✖️ " + _("Cancel"), callback_data=DecideCb(confirm=False, token=token).pack()
                ),
            ]
        ]
    )


def side_title(side: OrderSide) -> str:
    return _("Buy") if side is OrderSide.BUY else _("Sell")


def type_title(order_type: OrderType) -> str:
    titles = {
        OrderType.LIMIT: _("limit"),
        OrderType.MARKET: _("market"),
        OrderType.STOP_LIMIT: _("stop-limit"),
    }
    return titles[order_type]


def preview_text(preview: OrderPreview) -> str:
    market = preview.market
    ap, pp = market.precision.amount, market.precision.price
    rows = [
        (_("Account"), html.escape(preview.account)),
        (_("Order"), f"{side_title(preview.side)} · {type_title(preview.type)}"),
        (_("Amount"), f"{amount(preview.amount, ap)} {html.escape(market.base)}"),
    ]
    if preview.stop_price is not None:
        rows.append((_("Stop price"), f"{amount(preview.stop_price, pp)} {html.escape(market.quote)}"))
    if preview.price is not None:
        rows.append((_("Price"), f"{amount(preview.price, pp)} {html.escape(market.quote)}"))
    else:
        rows.append(
            (
                _("Price"),
                _("market, about {price} {quote}").format(
                    price=amount(preview.estimated_price, pp), quote=html.escape(market.quote)
                ),
            )
        )
    total = f"{amount(preview.total)} {html.escape(market.quote)}"
    if preview.quoted:
        total += " · " + html.escape(_("priced by the exchange"))
    rows += [
        (_("Estimated total"), total),
        (
            _("Estimated fee"),
            f"{amount(preview.fee)} {html.escape(market.quote)}"
            if preview.fee_known
            else html.escape(_("not told by the exchange")),
        ),
    ]
    after = ", ".join(
        f"{amount(value)} {html.escape(asset)}" for asset, value in preview.balances_after.items()
    )
    rows.append((_("Free after"), after))
    lines = [f"<b>{html.escape(_('Order preview: {pair}').format(pair=market.symbol))}</b>"]
    lines += [f"{html.escape(label)}: {value}" for label, value in rows]
    if preview.needs_guard and preview.distance is not None:
        lines.append("")
        lines.append("⚠️ " + html.escape(guard_text(preview.distance)))
    lines.append("")
    lines.append(html.escape(_("Nothing is sent until you press Confirm.")))
    return "\n".join(lines)


def guard_text(distance: Decimal) -> str:
    return _("The price is {distance} away from the market. Press Confirm twice to place it anyway.").format(
        distance=percent(distance * 100).lstrip("+")
    )


def again_text(preview_html: str) -> str:
    return preview_html + "\n\n<b>" + html.escape(_("Press Confirm once more to place this order.")) + "</b>"


def result_text(preview_html: str, action: Action) -> str:
    """The preview, edited into what happened."""
    state = action.state
    if state in (ActionState.SUBMITTED, ActionState.COMPLETED):
        line = _done_line(action)
        mark = "✅ "
    elif state is ActionState.FAILED:
        reason = html.escape(action.error[:200])
        if action.kind == ORDER:
            line = _("Not placed: {reason}").format(reason=reason)
        else:
            line = _("Not done: {reason}").format(reason=reason)
        mark = "❌ "
    elif state is ActionState.UNKNOWN:
        if action.kind == ORDER:
            line = _(
                "No definite answer from the exchange. The order is not sent again; the bot is checking "
                "whether it was placed, and the admins have been told."
            )
        else:
            line = _(
                "No definite answer from the exchange. The request is not sent again; the bot is checking "
                "whether it was done, and the admins have been told."
            )
        mark = "⚠️ "
    else:
        line = _("Status: {state}").format(state=html.escape(state.value))
        mark = ""
    return preview_html + "\n\n" + mark + line


def _done_line(action: Action) -> str:
    exchange_id = html.escape(action.exchange_id)
    status = html.escape(action.result.get("status", ""))
    if action.kind == CANCEL:
        return _("Order {order_id} cancelled at the exchange, status {status}.").format(
            order_id=exchange_id, status=status
        )
    if action.kind == BID:
        return _("Bid {bid_id} created, status {status}.").format(bid_id=exchange_id, status=status)
    if action.kind == BID_CANCEL:
        return _("Bid {bid_id} cancelled.").format(bid_id=exchange_id)
    return _("Placed: order {order_id}, status {status}, filled {filled}.").format(
        order_id=exchange_id, status=status, filled=html.escape(action.result.get("filled", "0"))
    )


def sending_text(preview_html: str) -> str:
    return preview_html + "\n\n⏳ " + html.escape(_("Sending to the exchange…"))


def cancelled_text(preview_html: str) -> str:
    return preview_html + "\n\n✖️ " + html.escape(_("Cancelled. Nothing was sent."))


def decision_refusal(decision: Decision) -> str:
    """An alert for the presser: why the press changed nothing."""
    texts = {
        Decision.NOT_YOURS: _("This button belongs to someone else's request."),
        Decision.USED: _("This was already decided."),
        Decision.EXPIRED: _("This confirmation has expired. Send the command again."),
        Decision.CHANGED: _("The request changed after the preview. Send the command again."),
        Decision.DECIDED: _("This was already decided."),
    }
    return texts.get(decision, _("This was already decided."))


def amount_problem_text(error: AmountError, what: str) -> str:
    texts = {
        AmountProblem.EMPTY: _("{what} is missing."),
        AmountProblem.COMMA: _("{what} {value}: use a dot for decimals and no thousands separators."),
        AmountProblem.NEGATIVE: _("{what} {value}: must be positive."),
        AmountProblem.NOT_A_NUMBER: _("{what} {value}: not a plain number like 0.25."),
        AmountProblem.TOO_LONG: _("{what} {value}: too many digits."),
        AmountProblem.ZERO: _("{what} {value}: must be more than zero."),
    }
    return texts[error.problem].format(what=what, value=echo(error.text))


def order_problem_text(rejected: OrderRejected) -> str:
    limit = "" if rejected.limit is None else amount(rejected.limit)
    asset = html.escape(rejected.asset)
    texts = {
        OrderProblem.PAIR_INACTIVE: _("This pair does not trade now."),
        OrderProblem.PRICE_MISSING: _("A stop-limit order needs a limit price as well."),
        OrderProblem.AMOUNT_TOO_SMALL: _("The amount is below the minimum of {limit} {asset}."),
        OrderProblem.AMOUNT_TOO_LARGE: _("The amount is above the maximum of {limit} {asset}."),
        OrderProblem.PRICE_TOO_LOW: _("The price is below the minimum of {limit} {asset}."),
        OrderProblem.PRICE_TOO_HIGH: _("The price is above the maximum of {limit} {asset}."),
        OrderProblem.TOTAL_TOO_SMALL: _("The total is below the minimum of {limit} {asset}."),
        OrderProblem.NO_PRICE: _("No market price to estimate a market order from; give a price."),
        OrderProblem.INSUFFICIENT_FUNDS: _("Not enough free balance: {limit} {asset} available."),
    }
    return texts[rejected.problem].format(limit=limit, asset=asset)


def usage_text(command: str) -> str:
    usage = _("Usage: /{command} ACCOUNT PAIR AMOUNT [PRICE] [stop=PRICE]. Without a price: a market order.")
    return html.escape(usage.format(command=command))
