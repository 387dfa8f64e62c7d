"""Screens that a command opens: built from one round of data, paged from the stored pages, refreshed anew."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from handlers.arguments import BadArgument, words
from handlers.views.common import echo
from handlers.views.exchanger import bids_blocks, bids_title, directions_text
from handlers.views.history import history_blocks, kind_title
from handlers.views.holdings import balance_blocks, balance_header, portfolio_blocks, portfolio_header
from handlers.views.paging import Screen, page_of, split_pages, with_freshness
from services.accounts import AccountRegistry
from services.exchanger_desk import ExchangerDesk
from services.history import HistoryKind, HistoryService
from services.market_data import MarketDataService
from services.portfolio import PortfolioReport, PortfolioService
from services.read_cache import Freshness
from services.screen_pages import ScreenPages


@dataclass(frozen=True)
class Monitoring:
    """The read-only services the monitoring commands need (workflow data ``monitoring``)."""

    accounts: AccountRegistry
    portfolio: PortfolioService
    history: HistoryService
    market_data: MarketDataService
    exchanger: ExchangerDesk
    pages: ScreenPages


@dataclass(frozen=True)
class Content:
    """A screen's pages, rendered from one round of data, and how fresh that data is."""

    pages: list[str]
    freshness: Freshness | None = None


# fresh: built for Refresh, which takes no stored answer
ContentBuilder = Callable[[Monitoring, str, ZoneInfo, bool], Awaitable[Content]]


async def balance_content(m: Monitoring, arg: str, tz: ZoneInfo, fresh: bool) -> Content:
    report = await m.portfolio.report(account=arg or None, fresh=fresh)
    return Content(split_pages(balance_blocks(report), header=balance_header(tz)), report.freshness)


async def portfolio_content(m: Monitoring, arg: str, tz: ZoneInfo, fresh: bool) -> Content:
    return portfolio_content_of(await m.portfolio.report(quote=arg or None, fresh=fresh), tz)


def portfolio_content_of(report: PortfolioReport, tz: ZoneInfo) -> Content:
    pages = split_pages(portfolio_blocks(report), header=portfolio_header(report, tz))
    return Content(pages, report.freshness)


def history_content(kind: HistoryKind) -> ContentBuilder:
    async def build(m: Monitoring, arg: str, tz: ZoneInfo, fresh: bool) -> Content:
        results = await m.history.fetch(kind, arg or None, fresh=fresh)
        header = f"<b>{html.escape(kind_title(kind))}</b>"
        pages = split_pages(history_blocks(results, tz), header=header)
        return Content(pages, Freshness.oldest(r.freshness for r in results))

    return build


async def bids_content(m: Monitoring, arg: str, tz: ZoneInfo, fresh: bool) -> Content:
    blocks = bids_blocks(await m.exchanger.bids(arg or None), tz)
    return Content(split_pages(blocks, header=bids_title()))


SCREENS: dict[str, ContentBuilder] = {
    "b": balance_content,
    "p": portfolio_content,
    "o": history_content(HistoryKind.ORDERS),
    "t": history_content(HistoryKind.TRADES),
    "d": history_content(HistoryKind.DEPOSITS),
    "w": history_content(HistoryKind.WITHDRAWALS),
    "y": bids_content,
}


# A screen whose service pages it itself (a page reads only what it shows, cached there): built for
# the page asked, Prev/Next included, and never stored.
PagedBuilder = Callable[[Monitoring, str, int, ZoneInfo], Awaitable[Screen]]


async def directions_screen(m: Monitoring, arg: str, page: int, tz: ZoneInfo) -> Screen:
    shown = await m.exchanger.directions(arg or None, page)
    return Screen(directions_text(shown), "x", arg, shown.page, shown.pages)


PAGED_BY_SERVICE: dict[str, PagedBuilder] = {"x": directions_screen}


def known_view(view: str) -> bool:
    return view in SCREENS or view in PAGED_BY_SERVICE


async def open_screen(
    m: Monitoring, view: str, arg: str, page: int, tz: ZoneInfo, *, fresh: bool = False
) -> Screen:
    """The screen built from new data: a command (a recent answer will do) or Refresh (``fresh``)."""
    if view in PAGED_BY_SERVICE:
        return await PAGED_BY_SERVICE[view](m, arg, page, tz)
    return await screen_of(m, view, arg, await SCREENS[view](m, arg, tz, fresh), page, tz)


async def screen_of(m: Monitoring, view: str, arg: str, content: Content, page: int, tz: ZoneInfo) -> Screen:
    # pages are stored only when there are pages to turn
    sid = await m.pages.keep(content.pages, content.freshness) if len(content.pages) > 1 else ""
    text, index = page_of(content.pages, page)
    return Screen(with_freshness(text, content.freshness, tz), view, arg, index, len(content.pages), sid=sid)


async def turn_screen(m: Monitoring, view: str, arg: str, sid: str, page: int, tz: ZoneInfo) -> Screen | None:
    """Another page of a stored screen, without asking any exchange; None when it has expired."""
    stored = await m.pages.load(sid)
    if stored is None:
        return None
    text, index = page_of(stored.pages, page)
    return Screen(with_freshness(text, stored.freshness(), tz), view, arg, index, len(stored.pages), sid=sid)


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
