"""Prices, order books and chart captions as Telegram HTML, and the pickers of the guided flows."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.views.numbers import amount, moment, percent
from services.charts import ChartLabels
from services.exchanges.models import Market, OrderBook, PriceLevel
from services.market_data import CandleSeries, PriceView

PICKER_COLUMNS = 3
# the longest label that a third of a phone screen shows whole
NARROW_LABEL = 10
PICKER_PAIRS = 12
BOOK_DEPTH = 10


class PickCb(CallbackData, prefix="pk"):
    """One step of a guided flow: a command given without its arguments asks for them with buttons."""

    command: str  # price | book | chart
    account: str = ""
    pair: str = ""


def price_text(view: PriceView) -> str:
    t, places = view.ticker, view.market.precision.price
    rows = [
        (_("Last"), amount(t.last, places)),
        (_("Bid"), amount(t.bid, places)),
        (_("Ask"), amount(t.ask, places)),
        (_("24h change"), percent(t.change_pct)),
        (_("24h high"), amount(t.high, places)),
        (_("24h low"), amount(t.low, places)),
        (_("24h volume"), f"{amount(t.base_volume)} {html.escape(view.market.base)}"),
    ]
    lines = [f"<b>{html.escape(view.market.symbol)}</b> · {html.escape(view.account)}"]
    lines += [f"{html.escape(label)}: <code>{value}</code>" for label, value in rows]
    if view.feed_age_s is not None:
        note = _("From the price feed, {seconds} s old").format(seconds=round(view.feed_age_s))
        lines.append(f"<i>{html.escape(note)}</i>")
    return "\n".join(lines)


def book_text(account: str, market: Market, book: OrderBook) -> str:
    pp, ap = market.precision.price, market.precision.amount
    asks = [
        f"<code>{amount(a.price, pp):>14} {amount(a.amount, ap):>14}</code>" for a in book.asks[:BOOK_DEPTH]
    ]
    bids = [
        f"<code>{amount(b.price, pp):>14} {amount(b.amount, ap):>14}</code>" for b in book.bids[:BOOK_DEPTH]
    ]
    lines = [
        f"<b>{html.escape(market.symbol)}</b> · {html.escape(account)} · {html.escape(_('order book'))}",
        f"<i>{html.escape(_('Asks (sell)'))}</i>",
        *(reversed(asks) if asks else [html.escape(_("none"))]),
        f"<i>{html.escape(_('Bids (buy)'))}</i>",
        *(bids or [html.escape(_("none"))]),
    ]
    return "\n".join(lines)


def _level(level: PriceLevel, price_places: int | None, amount_places: int | None) -> str:
    return f"<code>{amount(level.price, price_places):>14} {amount(level.amount, amount_places):>14}</code>"


def chart_caption(series: CandleSeries, tz: ZoneInfo) -> str:
    caption = _("{pair} · {interval} · {account}").format(
        pair=series.market.symbol, interval=series.interval, account=series.account
    )
    if series.from_trades:
        caption += "\n" + _("Built from recent trades: the exchange publishes no candles.")
    if series.candles and not series.readable:
        since = moment(series.data_since, tz)
        caption += "\n" + _("Only {count} candles: the data for this market starts at {since}.").format(
            count=len(series.candles), since=since
        )
        shorter = series.shorter_interval()
        if shorter:
            caption += " " + _("Try {interval} for more.").format(interval=shorter)
    return caption


def chart_labels(series: CandleSeries, tz: ZoneInfo) -> ChartLabels:
    """Axis texts; the time axis names the member's time zone, which its times are in."""
    return ChartLabels(
        title=f"{series.market.symbol} · {series.interval}",
        x_axis=_("time ({zone})").format(zone=tz.key),
        y_axis=_("price, {quote}").format(quote=series.market.quote),
    )


def choose_account_text() -> str:
    return _("Which account?")


def no_capable_account_text(command: str) -> str:
    return html.escape(_("No configured account can answer /{command}.").format(command=command))


def choose_pair_text(account: str) -> str:
    return _("Which pair on {account}?").format(account=html.escape(account))


def _grid(buttons: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """Short labels three to a row; a long one gets a row of its own, where Telegram does not cut it."""
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    for button in buttons:
        if len(button.text) > NARROW_LABEL:
            rows += [row, [button]] if row else [[button]]
            row = []
            continue
        row.append(button)
        if len(row) == PICKER_COLUMNS:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def accounts_keyboard(command: str, accounts: list[str]) -> InlineKeyboardMarkup:
    return _grid(
        [
            InlineKeyboardButton(text=name, callback_data=PickCb(command=command, account=name).pack())
            for name in accounts
        ]
    )


def pairs_keyboard(command: str, account: str, markets: list[Market]) -> InlineKeyboardMarkup:
    return _grid(
        [
            InlineKeyboardButton(
                text=m.symbol, callback_data=PickCb(command=command, account=account, pair=m.id).pack()
            )
            for m in markets[:PICKER_PAIRS]
        ]
    )
