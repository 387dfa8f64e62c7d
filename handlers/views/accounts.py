"""/accounts: each account, its exchange, whether it answers, and what the bot can do with it."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _

from handlers.views.exchange_errors import reason_text
from services.accounts import AccountResult
from services.exchanges.capabilities import Capability as C
from services.exchanges.models import AccountInfo


def _features(capabilities: frozenset[C]) -> list[str]:
    groups = [
        ({C.FETCH_BALANCE}, _("balances")),
        ({C.FETCH_TICKERS, C.FETCH_ORDER_BOOK}, _("prices")),
        ({C.FETCH_OHLCV, C.FETCH_TRADES}, _("charts")),
        ({C.FETCH_OPEN_ORDERS}, _("orders")),
        ({C.CREATE_LIMIT_ORDER, C.CREATE_MARKET_ORDER}, _("trading")),
        ({C.WITHDRAW}, _("withdrawals")),
        ({C.FETCH_DEPOSITS, C.FETCH_WITHDRAWALS}, _("transfer history")),
        ({C.WATCH_USER}, _("live updates")),
        ({C.EXCHANGE_BIDS}, _("exchange bids")),
    ]
    return [label for needs, label in groups if needs & capabilities]


def _key_rights(info: AccountInfo) -> str:
    rights = []
    if info.can_trade is not None:
        rights.append(_("trade: yes") if info.can_trade else _("trade: no"))
    if info.can_withdraw is not None:
        rights.append(_("withdraw: yes") if info.can_withdraw else _("withdraw: no"))
    return ", ".join(rights)


def accounts_text(results: list[AccountResult[AccountInfo]]) -> str:
    if not results:
        return html.escape(_("No accounts are configured."))
    blocks = [f"<b>{html.escape(_('Accounts'))}</b>"]
    for result in results:
        account = result.account
        exchange = html.escape(account.client.display_name)
        if result.value is not None:
            state = "✅ " + html.escape(_("reachable"))
            rights = _key_rights(result.value)
            if rights:
                state += f" · {html.escape(_('key'))}: {html.escape(rights)}"
        else:
            assert result.error is not None
            state = "⚠️ " + html.escape(reason_text(result.error))
        features = ", ".join(_features(account.client.capabilities)) or "—"
        blocks.append(
            f"<b>{html.escape(account.name)}</b> · {exchange}\n{state}\n<i>{html.escape(features)}</i>"
        )
    return "\n\n".join(blocks)
