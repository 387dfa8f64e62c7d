"""Open orders, trades, deposits and withdrawals as Telegram HTML, one block per account."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from handlers.views.common import clip
from handlers.views.exchange_errors import failure_line
from handlers.views.numbers import amount, moment
from services.accounts import AccountResult
from services.exchanges.models import Order, OrderSide, Trade, Transfer, TransferStatus
from services.history import HistoryKind, Row


def kind_title(kind: HistoryKind) -> str:
    return {
        HistoryKind.ORDERS: _("Open orders"),
        HistoryKind.TRADES: _("Trades"),
        HistoryKind.DEPOSITS: _("Deposits"),
        HistoryKind.WITHDRAWALS: _("Withdrawals"),
    }[kind]


def side_text(side: OrderSide) -> str:
    return _("buy") if side is OrderSide.BUY else _("sell")


def transfer_status_text(status: TransferStatus) -> str:
    return {
        TransferStatus.PENDING: _("pending"),
        TransferStatus.OK: _("done"),
        TransferStatus.FAILED: _("failed"),
        TransferStatus.CANCELED: _("cancelled"),
    }[status]


def _order_line(order: Order, tz: ZoneInfo) -> str:
    price = amount(order.price) if order.price is not None else _("market")
    return "<i>{when}</i> {side} <b>{symbol}</b> {amount} @ {price} · {filled} · <code>{id}</code>".format(
        side=side_text(order.side),
        symbol=html.escape(order.symbol),
        amount=amount(order.amount),
        price=price,
        filled=_("filled {filled}").format(filled=amount(order.filled)),
        id=html.escape(order.id),
        when=moment(order.timestamp, tz),
    )


def _trade_line(trade: Trade, tz: ZoneInfo) -> str:
    fee = ""
    if trade.fee is not None:
        fee = " · " + _("fee {fee}").format(
            fee=f"{amount(trade.fee)} {html.escape(trade.fee_asset or '')}".strip()
        )
    symbol = html.escape(trade.symbol)
    head = f"{side_text(trade.side)} <b>{symbol}</b> {amount(trade.amount)} @ {amount(trade.price)}{fee}"
    return f"<i>{moment(trade.timestamp, tz)}</i> {head}"


def _transfer_line(transfer: Transfer, tz: ZoneInfo) -> str:
    txid = (
        f"<code>{html.escape(transfer.txid)}</code>"
        if transfer.txid
        else "<i>{}</i>".format(_("no txid yet"))
    )
    asset = html.escape(transfer.asset)
    head = f"{amount(transfer.amount)} <b>{asset}</b> · {transfer_status_text(transfer.status)} · {txid}"
    return f"<i>{moment(transfer.timestamp, tz)}</i> {head}"


def row_text(row: Row, tz: ZoneInfo) -> str:
    if isinstance(row, Order):
        return _order_line(row, tz)
    if isinstance(row, Trade):
        return _trade_line(row, tz)
    return _transfer_line(row, tz)


# how much of the list of searched pairs a heading shows
SEARCHED_LIMIT = 200


def history_blocks(results: list[AccountResult[list[Row]]], tz: ZoneInfo) -> list[str]:
    """One block per account: its title, then one line per row (pages break between lines)."""
    blocks: list[str] = []
    for result in results:
        if result.error is not None:
            blocks.append(failure_line(result))
            continue
        title = f"<b>{html.escape(result.account.name)}</b>"
        if result.searched:
            # the exchange answers one pair at a time: which ones were looked through
            searched = _("pairs searched: {pairs}").format(
                pairs=clip(", ".join(result.searched), SEARCHED_LIMIT)
            )
            title += f"\n<i>{html.escape(searched)}</i>"
        rows = result.value or []
        if not rows:
            blocks.append(f"{title}\n<i>{html.escape(_('nothing here'))}</i>")
            continue
        blocks.append("\n".join([title, *(row_text(row, tz) for row in rows)]))
    return blocks
