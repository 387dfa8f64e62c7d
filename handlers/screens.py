"""Screens that a command opens and its buttons (Prev, Next, Refresh) re-build from fresh data."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from handlers.arguments import BadArgument, words
from handlers.views.cancel import bid_cancel_buttons, order_cancel_buttons
from handlers.views.common import echo
from handlers.views.exchanger import bids_blocks, bids_title, directions_text
from handlers.views.history import history_blocks, kind_title, row_text
from handlers.views.holdings import balance_blocks, balance_header, portfolio_blocks, portfolio_header
from handlers.views.paging import Screen, page_of, split_pages
from services.accounts import AccountRegistry
from services.exchanger_desk import ExchangerDesk
from services.exchanges.models import Order
from services.history import HistoryKind, HistoryService
from services.market_data import MarketDataService
from services.portfolio import PortfolioReport, PortfolioService


@dataclass(frozen=True)
class Monitoring:
    """The read-only services the monitoring commands need (workflow data ``monitoring``)."""

    accounts: AccountRegistry
    portfolio: PortfolioService
    history: HistoryService
    market_data: MarketDataService
    exchanger: ExchangerDesk


ScreenBuilder = Callable[[Monitoring, str, int, ZoneInfo], Awaitable[Screen]]


async def balance_screen(m: Monitoring, arg: str, page: int, tz: ZoneInfo) -> Screen:
    report = await m.portfolio.report(account=arg or None)
    pages = split_pages(balance_blocks(report), header=balance_header(tz))
    text, index = page_of(pages, page)
    return Screen(text, "b", arg, index, len(pages))


async def portfolio_screen(m: Monitoring, arg: str, page: int, tz: ZoneInfo) -> Screen:
    return portfolio_screen_of(await m.portfolio.report(quote=arg or None), arg, page, tz)


def portfolio_screen_of(report: PortfolioReport, arg: str, page: int, tz: ZoneInfo) -> Screen:
    pages = split_pages(portfolio_blocks(report), header=portfolio_header(report, tz))
    text, index = page_of(pages, page)
    return Screen(text, "p", arg, index, len(pages))


def history_screen(kind: HistoryKind, view: str) -> ScreenBuilder:
    async def build(m: Monitoring, arg: str, page: int, tz: ZoneInfo) -> Screen:
        results = await m.history.fetch(kind, arg or None)
        header = f"<b>{html.escape(kind_title(kind))}</b>"
        pages = split_pages(history_blocks(results, tz), header=header)
        text, index = page_of(pages, page)
        shown = [
            (r.account.name, row)
            for r in results
            for row in r.value or []
            if isinstance(row, Order) and row_text(row, tz) in text
        ]
        actions = order_cancel_buttons(shown)
        return Screen(text, view, arg, index, len(pages), actions=actions)

    return build


async def directions_screen(m: Monitoring, arg: str, page: int, tz: ZoneInfo) -> Screen:
    # the desk pages the directions itself: a page reads the details of its own directions only
    shown = await m.exchanger.directions(arg or None, page)
    return Screen(directions_text(shown), "x", arg, shown.page, shown.pages)


async def bids_screen(m: Monitoring, arg: str, page: int, tz: ZoneInfo) -> Screen:
    results = await m.exchanger.bids(arg or None)
    text, index = page_of(pages := split_pages(bids_blocks(results, tz), header=bids_title()), page)
    shown = [(r.account.name, b) for r in results for b in r.value or [] if f"#{html.escape(b.id)} " in text]
    actions = bid_cancel_buttons((a, b) for a, b in shown if b.status.is_cancellable)
    return Screen(text, "y", arg, index, len(pages), actions=actions)


SCREENS: dict[str, ScreenBuilder] = {
    "b": balance_screen,
    "p": portfolio_screen,
    "o": history_screen(HistoryKind.ORDERS, "o"),
    "t": history_screen(HistoryKind.TRADES, "t"),
    "d": history_screen(HistoryKind.DEPOSITS, "d"),
    "w": history_screen(HistoryKind.WITHDRAWALS, "w"),
    "x": directions_screen,
    "y": bids_screen,
}


def unknown_account_text(name: str, known: list[str]) -> str:
    return _("Unknown account {name}. Accounts: {known}").format(
        name=echo(name), known=html.escape(", ".join(known) or "—")
    )


def check_argument(m: Monitoring, view: str, arg: str) -> str:
    """The argument as the screen expects it, or BadArgument with a message for the user."""
    arg = " ".join(words(arg, 1))
    if not arg:
        return ""
    if view == "p":
        if not arg.isalnum() or not 2 <= len(arg) <= 12:
            raise BadArgument(_("The quote currency is a ticker such as USDT or BTC."))
        return arg.upper()
    if arg.lower() not in m.accounts.names:
        raise BadArgument(unknown_account_text(arg, m.accounts.names))
    return arg.lower()
