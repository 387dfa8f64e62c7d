"""Screens that a command opens: built from one round of data, paged from the stored pages, refreshed anew.

This module owns the screens' registry (keyed by ``View``) and the router of their Prev/Next/Refresh
buttons."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.chat_action import ChatActionSender
from aiogram.utils.i18n import gettext as _

from handlers.arguments import BadArgument, words
from handlers.views.cancel import bid_cancel_buttons, order_cancel_buttons
from handlers.views.common import echo
from handlers.views.exchanger import bids_blocks, bids_title, directions_text
from handlers.views.history import history_blocks, kind_title, row_text
from handlers.views.holdings import balance_blocks, balance_header, portfolio_blocks, portfolio_header
from handlers.views.paging import RowActions, Screen, View, ViewCb, page_of, split_pages, with_freshness
from handlers.views.withdrawals import requests_block
from services.exchanges.models import Order
from services.history import HistoryKind
from services.monitoring import Monitoring
from services.portfolio import PortfolioReport
from services.read_cache import Freshness
from services.team import Role, TeamMember


@dataclass(frozen=True)
class Content:
    """A screen's pages, rendered from one round of data, and how fresh that data is."""

    pages: list[str]
    freshness: Freshness | None = None
    actions: list[RowActions] = field(default_factory=list)  # per page: buttons acting on its rows

    def actions_of(self, page: int) -> RowActions:
        return self.actions[page] if page < len(self.actions) else ()


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
        blocks = history_blocks(results, tz)
        if kind is HistoryKind.WITHDRAWALS:
            # the bot's own requests first: their state and txid, even before the exchange lists them
            since = (datetime.now(UTC) - m.history.lookback).timestamp()
            requests = await m.withdrawal_requests.since(since, arg or None)
            if requests:
                blocks.insert(0, requests_block(requests, tz))
        pages = split_pages(blocks, header=header)
        orders = [(r.account.name, row) for r in results for row in r.value or [] if isinstance(row, Order)]
        # each page's Cancel buttons are for the open orders shown on it
        actions = [
            order_cancel_buttons((a, o) for a, o in orders if row_text(o, tz) in page) for page in pages
        ]
        return Content(pages, Freshness.oldest(r.freshness for r in results), actions)

    return build


async def bids_content(m: Monitoring, arg: str, tz: ZoneInfo, fresh: bool) -> Content:
    results = await m.exchanger.bids(arg or None)
    pages = split_pages(bids_blocks(results, tz), header=bids_title())
    cancellable = [(r.account.name, b) for r in results for b in r.value or [] if b.status.is_cancellable]
    actions = [
        bid_cancel_buttons((a, b) for a, b in cancellable if f"#{html.escape(b.id)} " in page)
        for page in pages
    ]
    return Content(pages, actions=actions)


SCREENS: dict[View, ContentBuilder] = {
    View.BALANCE: balance_content,
    View.PORTFOLIO: portfolio_content,
    View.ORDERS: history_content(HistoryKind.ORDERS),
    View.TRADES: history_content(HistoryKind.TRADES),
    View.DEPOSITS: history_content(HistoryKind.DEPOSITS),
    View.WITHDRAWALS: history_content(HistoryKind.WITHDRAWALS),
    View.BIDS: bids_content,
}


# A screen whose service pages it itself (a page reads only what it shows, cached there): built for
# the page asked, Prev/Next included, and never stored.
PagedBuilder = Callable[[Monitoring, str, int, ZoneInfo], Awaitable[Screen]]


async def directions_screen(m: Monitoring, arg: str, page: int, tz: ZoneInfo) -> Screen:
    shown = await m.exchanger.directions(arg or None, page)
    return Screen(directions_text(shown), View.DIRECTIONS, arg, shown.page, shown.pages)


PAGED_BY_SERVICE: dict[View, PagedBuilder] = {View.DIRECTIONS: directions_screen}


async def open_screen(
    m: Monitoring, view: View, arg: str, page: int, tz: ZoneInfo, *, fresh: bool = False
) -> Screen:
    """The screen built from new data: a command (a recent answer will do) or Refresh (``fresh``)."""
    if view in PAGED_BY_SERVICE:
        return await PAGED_BY_SERVICE[view](m, arg, page, tz)
    return await screen_of(m, view, arg, await SCREENS[view](m, arg, tz, fresh), page, tz)


async def screen_of(m: Monitoring, view: View, arg: str, content: Content, page: int, tz: ZoneInfo) -> Screen:
    # pages are stored only when there are pages to turn
    sid = ""
    if len(content.pages) > 1:
        stored_actions = [_plain(actions) for actions in content.actions]
        sid = await m.pages.keep(content.pages, content.freshness, stored_actions)
    text, index = page_of(content.pages, page)
    with_age = with_freshness(text, content.freshness, tz)
    return Screen(with_age, view, arg, index, len(content.pages), sid=sid, actions=content.actions_of(index))


async def turn_screen(
    m: Monitoring, view: View, arg: str, sid: str, page: int, tz: ZoneInfo
) -> Screen | None:
    """Another page of a stored screen, without asking any exchange; None when it has expired."""
    stored = await m.pages.load(sid)
    if stored is None:
        return None
    text, index = page_of(stored.pages, page)
    actions = _buttons(stored.actions[index]) if index < len(stored.actions) else ()
    with_age = with_freshness(text, stored.freshness(), tz)
    return Screen(with_age, view, arg, index, len(stored.pages), sid=sid, actions=actions)


def _plain(actions: RowActions) -> list[list[tuple[str, str]]]:
    """Row buttons as stored with the pages: (label, callback data)."""
    return [[(b.text, b.callback_data or "") for b in row] for row in actions]


def _buttons(stored: list[list[tuple[str, str]]]) -> RowActions:
    return tuple(tuple(InlineKeyboardButton(text=t, callback_data=d) for t, d in row) for row in stored)


def unknown_account_text(name: str, known: list[str]) -> str:
    return _("Unknown account {name}. Accounts: {known}").format(
        name=echo(name), known=html.escape(", ".join(known) or "—")
    )


def check_argument(m: Monitoring, view: View, arg: str) -> str:
    """The argument as the screen expects it, or BadArgument with a message for the user."""
    arg = " ".join(words(arg, 1))
    if not arg:
        return ""
    if view is View.PORTFOLIO:
        if not arg.isalnum() or not 2 <= len(arg) <= 12:
            raise BadArgument(_("The quote currency is a ticker such as USDT or BTC."))
        return arg.upper()
    if arg.lower() not in m.accounts.names:
        raise BadArgument(unknown_account_text(arg, m.accounts.names))
    return arg.lower()


async def send_screen(
    message: Message, view: View, args: str | None, monitoring: Monitoring, tz: ZoneInfo, member: TeamMember
) -> None:
    """A command's screen: its argument checked, built from data a recent answer may provide."""
    try:
        arg = check_argument(monitoring, view, args or "")
    except BadArgument as exc:
        await message.answer(str(exc), parse_mode=ParseMode.HTML)
        return
    assert message.bot is not None
    async with ChatActionSender.typing(bot=message.bot, chat_id=message.chat.id):
        screen = await open_screen(monitoring, view, arg, 0, tz)
    await answer_screen(message, screen, member)


async def answer_screen(message: Message, screen: Screen, member: TeamMember) -> None:
    keyboard = screen.keyboard(acting=may_act(member))
    await message.answer(screen.text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


def may_act(member: TeamMember) -> bool:
    """Row buttons that act (Cancel an order or a bid) show to traders and above only."""
    return member.can(Role.TRADER)


async def redraw_screen(
    query: CallbackQuery, callback_data: ViewCb, monitoring: Monitoring, tz: ZoneInfo, member: TeamMember
) -> None:
    """Prev/Next turn the stored pages (no new request); Refresh builds the screen from new data."""
    if not isinstance(query.message, Message):
        await query.answer(_("This button is too old, send the command again."), show_alert=True)
        return
    try:
        arg = check_argument(monitoring, callback_data.view, callback_data.arg)
    except BadArgument:
        await query.answer(_("This button is too old, send the command again."), show_alert=True)
        return
    view, page = callback_data.view, callback_data.page
    if callback_data.sid:
        turned = await turn_screen(monitoring, view, arg, callback_data.sid, page, tz)
        if turned is None:
            await query.answer(_("This list has expired: press Refresh for new data."), show_alert=True)
            return
        screen = turned
    else:
        screen = await open_screen(monitoring, view, arg, page, tz, fresh=True)
    try:
        keyboard = screen.keyboard(acting=may_act(member))
        await query.message.edit_text(screen.text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise
        await query.answer(_("Already up to date."))
        return
    await query.answer()


def build_router() -> Router:
    router = Router(name="screens")
    router.callback_query.register(redraw_screen, ViewCb.filter(), flags={"role": Role.VIEWER})
    return router
