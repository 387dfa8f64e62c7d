"""The guided /buy and /sell: the pickers (account, pair, type) and the questions (amount, prices)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.views import common
from handlers.views.common import echo
from handlers.views.orders import side_title, type_title
from services.exchanges.models import OrderSide, OrderType
from services.withdrawals.addresses import MAX_LENGTH as MAX_ADDRESS

#: a pair picker shows at most this many buttons; any other pair can be typed
MAX_PAIR_BUTTONS = 24
PER_ROW = 3


class GuideCb(CallbackData, prefix="og"):
    """A pick in the guided flow: ``step`` says which picker, so an old picker's press is told apart."""

    step: str  # account | pair | type
    value: str


def picker(
    step: str, values: Sequence[tuple[str, str]], data: type[GuideCb] = GuideCb
) -> InlineKeyboardMarkup:
    """Buttons (label, value), a few per row; ``data`` is the flow's own kind of pick."""
    buttons = [
        InlineKeyboardButton(text=label, callback_data=data(step=step, value=value).pack())
        for label, value in values
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    )


def pair_values(pairs: Sequence[str]) -> list[tuple[str, str]]:
    return [(pair, pair) for pair in pairs[:MAX_PAIR_BUTTONS]]


def type_values(types: Sequence[OrderType]) -> list[tuple[str, str]]:
    return [(type_title(t), t.value) for t in types]


def heading(side: OrderSide) -> str:
    return f"<b>{html.escape(side_title(side))}</b>"


def ask_account_text(side: OrderSide) -> str:
    return heading(side) + "\n" + html.escape(_("Which account?"))


def no_accounts_text() -> str:
    return html.escape(_("No account here can place orders."))


def ask_pair_text(side: OrderSide, account: str, shown: int, total: int) -> str:
    text = _("Which pair on {account}?").format(account=account)
    if total > shown:
        text += " " + _("The buttons show {shown} of {total}: type any other pair, such as BTC/USDT.").format(
            shown=shown, total=total
        )
    return heading(side) + "\n" + html.escape(text)


def ask_type_text(side: OrderSide, pair: str) -> str:
    return heading(side) + " " + html.escape(pair) + "\n" + html.escape(_("Which type of order?"))


def ask_amount_text(base: str) -> str:
    return html.escape(_("How much {asset}? Type the amount, such as 0.01.").format(asset=base))


def ask_stop_text() -> str:
    return html.escape(_("At which price should the order be triggered? Type the stop price."))


def ask_price_text() -> str:
    return html.escape(_("At which price? Type the limit price."))


def picked_text(picker_html: str, label: str) -> str:
    """The picker once used: what was picked, and no buttons."""
    # whole: a label is a button's (or a checked, typed) value, and an address must be seen in full
    return picker_html + "\n→ <b>" + common.echo(label, limit=MAX_ADDRESS) + "</b>"


def unknown_pair_text(pair: str) -> str:
    return _("Unknown pair {pair}: pick one of the buttons or type another.").format(pair=echo(pair))


def old_picker_text() -> str:
    return _("This choice is no longer open. Send /buy or /sell again.")


def try_again_text() -> str:
    return html.escape(_("Type it again, or send /buy or /sell to start over."))
