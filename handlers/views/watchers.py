"""Texts of the watchers' pushes: a transfer seen or its status changed, a bot withdrawal's txid and end."""

from __future__ import annotations

import html
from decimal import Decimal

from aiogram.utils.i18n import gettext as _

from handlers.views.exchanger import bid_status_text
from handlers.views.history import side_text, transfer_status_text
from handlers.views.numbers import amount
from services.exchanges.models import TransferStatus
from services.watchers.bids import BidNews
from services.watchers.explorers import explorer_url
from services.watchers.fills import FillNews
from services.watchers.transfers import TransferNews
from services.watchers.withdrawals import WithdrawalNews


def transfer_text(news: TransferNews) -> str:
    deposit = news.transfer
    if news.outgoing:
        head = (
            _("📤 Withdrawal from {account} made outside the bot: {amount} {asset}")
            if news.first_seen
            else _("📤 Withdrawal from {account} made outside the bot is now {status}: {amount} {asset}")
        )
    else:
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
        lines.append(txid_line(deposit.asset, deposit.network, deposit.txid))
    lines.append(_("Id: {id}").format(id=html.escape(deposit.id)))
    return "\n".join(lines)


def txid_line(asset: str, network: str | None, txid: str) -> str:
    shown = f"<code>{html.escape(txid)}</code>"
    url = explorer_url(asset, network, txid)
    if url is not None:
        shown += f' <a href="{html.escape(url)}">{_("explorer")}</a>'
    return _("Txid: {txid}").format(txid=shown)


def withdrawal_news_text(news: WithdrawalNews) -> str:
    params = news.action.params
    asset, network = params.get("asset", ""), params.get("network")
    values = {
        "account": html.escape(news.action.account),
        "amount": amount(Decimal(params.get("amount", "0"))),
        "asset": html.escape(asset),
        "status": transfer_status_text(news.status),
    }
    head = (
        _("📤 Withdrawal of {amount} {asset} from {account} has its txid")
        if news.status is TransferStatus.PENDING
        else _("📤 Withdrawal of {amount} {asset} from {account}: {status}")
    )
    lines = [head.format(**values)]
    if news.txid:
        lines.append(txid_line(asset, network, news.txid))
    lines.append(_("To: {address}").format(address=f"<code>{html.escape(params.get('address', ''))}</code>"))
    return "\n".join(lines)


def fill_text(news: FillNews) -> str:
    order = news.order
    placed = Decimal(news.action.params["amount"]) if news.action else order.amount
    values = {
        "side": side_text(order.side),
        "amount": "?" if placed is None else amount(placed),
        "pair": html.escape(order.symbol),
        "account": html.escape(news.account),
        "filled": amount(order.filled),
    }
    if news.action is not None:
        head = (
            _("✅ Your order filled: {side} {amount} {pair} on {account}")
            if news.complete
            else _("◐ Your order partly filled: {side} {filled} of {amount} {pair} on {account}")
        )
    else:
        head = (
            _("✅ Order filled on {account}: {side} {amount} {pair}")
            if news.complete
            else _("◐ Order partly filled on {account}: {side} {filled} of {amount} {pair}")
        )
    lines = [head.format(**values)]
    if order.average is not None:
        lines.append(_("Average price: {price}").format(price=amount(order.average)))
    lines.append(_("Id: {id}").format(id=html.escape(order.id)))
    return "\n".join(lines)


def bid_news_text(news: BidNews) -> str:
    bid = news.bid
    mark = "✅" if bid.status.value == "success" else ("✖️" if bid.is_final else "🔁")
    head = _("{mark} Bid {bid_id} on {account} is now {status}").format(
        mark=mark,
        bid_id=f"#{html.escape(bid.id)}",
        account=html.escape(news.action.account),
        status=f"{html.escape(bid_status_text(bid.status))} <code>{html.escape(bid.status.value)}</code>",
    )
    rows = [
        (_("You give"), f"{amount(bid.amount_give)} {html.escape(bid.give_code)}"),
        (_("You get"), f"{amount(bid.amount_get)} {html.escape(bid.get_code)}"),
    ]
    return "\n".join([head, *(f"{html.escape(label)}: {value}" for label, value in rows)])
