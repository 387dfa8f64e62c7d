"""Texts of the watchers' pushes: a deposit seen, a deposit's status changed."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _

from handlers.views.history import transfer_status_text
from handlers.views.numbers import amount
from services.watchers.deposits import DepositNews
from services.watchers.explorers import explorer_url


def deposit_text(news: DepositNews) -> str:
    deposit = news.deposit
    head = (
        _("📥 Deposit on {account}: {amount} {asset}")
        if news.first_seen
        else _("📥 Deposit on {account} is now {status}: {amount} {asset}")
    )
    lines = [
        head.format(
            account=html.escape(news.account),
            amount=amount(deposit.amount),
            asset=html.escape(deposit.asset),
            status=transfer_status_text(deposit.status),
        )
    ]
    status = transfer_status_text(deposit.status)
    if deposit.raw_status and deposit.raw_status.lower() != deposit.status.value:
        status = f"{status} ({html.escape(deposit.raw_status)})"
    lines.append(_("Status: {status}").format(status=status))
    if deposit.network:
        lines.append(_("Network: {network}").format(network=html.escape(deposit.network)))
    if deposit.txid:
        txid = f"<code>{html.escape(deposit.txid)}</code>"
        url = explorer_url(deposit.asset, deposit.network, deposit.txid)
        if url is not None:
            txid += f' <a href="{html.escape(url)}">{_("explorer")}</a>'
        lines.append(_("Txid: {txid}").format(txid=txid))
    lines.append(_("Id: {id}").format(id=html.escape(deposit.id)))
    return "\n".join(lines)
