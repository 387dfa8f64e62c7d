"""The guided /withdraw: the pickers (account, asset, network, address) and the questions; the amount is
asked as in the guided /buy."""

from __future__ import annotations

import html
from collections.abc import Sequence

from aiogram.utils.i18n import gettext as _

from handlers.views.order_guide import GuideCb

#: an asset picker shows at most this many buttons; any other asset can be typed
MAX_ASSET_BUTTONS = 24
# how much of an address a button shows at each end
ADDRESS_ENDS = 6


class WithdrawGuideCb(GuideCb, prefix="wg"):
    """A pick in the guided /withdraw; ``step``: account | asset | network | address (its index)."""


def heading() -> str:
    return "<b>" + html.escape(_("Withdrawal")) + "</b>"


def ask_account_text() -> str:
    return heading() + "\n" + html.escape(_("From which account?"))


def no_accounts_text() -> str:
    return html.escape(_("No account here can withdraw."))


def asset_values(assets: Sequence[str]) -> list[tuple[str, str]]:
    return [(asset, asset) for asset in assets[:MAX_ASSET_BUTTONS]]


def ask_asset_text(account: str, shown: int, total: int) -> str:
    text = _("Which asset from {account}?").format(account=account)
    if total > shown:
        text += " " + _("The buttons show {shown} of {total}: type any other, such as USDT.").format(
            shown=shown, total=total
        )
    return heading() + "\n" + html.escape(text)


def no_assets_text(account: str) -> str:
    return html.escape(_("{account} holds nothing free to withdraw.").format(account=account))


def ask_network_text(asset: str) -> str:
    return heading() + " " + html.escape(asset) + "\n" + html.escape(_("On which network?"))


def address_label(address: str, label: str) -> str:
    """A button for an address: its label and its ends (the address itself is too long for a button)."""
    ends = (
        address
        if len(address) <= 2 * ADDRESS_ENDS + 1
        else f"{address[:ADDRESS_ENDS]}…{address[-ADDRESS_ENDS:]}"
    )
    return f"{label} · {ends}" if label else ends


def address_values(addresses: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(address_label(address, label), str(i)) for i, (address, label) in enumerate(addresses)]


def ask_address_text(asset: str, network: str | None, listed: bool) -> str:
    where = f"{asset} ({network})" if network else asset
    text = (
        _("To which address? Pick one from the allowlist, or type another.")
        if listed
        else _("To which address? Type it.")
    )
    return heading() + " " + html.escape(where) + "\n" + html.escape(text)


def ask_memo_text(asset: str) -> str:
    text = _("{asset} leaves with a memo (tag) that the receiving side expects. Type the memo.")
    return html.escape(text.format(asset=asset))


def old_picker_text() -> str:
    return _("This choice is no longer open. Send /withdraw again.")


def try_again_text() -> str:
    return html.escape(_("Type it again, or send /withdraw to start over."))
