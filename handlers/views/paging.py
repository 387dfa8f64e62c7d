"""Replies that may not fit one message: pages within Telegram's 4096 characters, Prev/Next/Refresh.

Prev/Next turn the pages stored when the screen was built (``sid`` names them, so no exchange is asked
again); Refresh carries no ``sid`` and re-builds the screen from new data. The callback also names the
view, its argument and the page, so Refresh works after the stored pages have expired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.views.exchange_errors import reason_text
from services.read_cache import Freshness

# Telegram's limit is 4096; the margin covers the page footer
PAGE_BUDGET = 3800


class View(StrEnum):
    """Every paged screen; one letter each, so callback data stays small."""

    BALANCE = "b"
    PORTFOLIO = "p"
    ORDERS = "o"
    TRADES = "t"
    DEPOSITS = "d"
    WITHDRAWALS = "w"
    DIRECTIONS = "x"
    BIDS = "y"


class ViewCb(CallbackData, prefix="v"):
    view: View
    arg: str = ""  # account name, quote currency...
    page: int = 0
    sid: str = ""  # the stored pages to turn; empty on Refresh


# one row of buttons per row of a page that can be acted on
RowActions = tuple[tuple[InlineKeyboardButton, ...], ...]


@dataclass(frozen=True)
class Screen:
    text: str
    view: View
    arg: str = ""
    page: int = 0
    pages: int = 1
    refresh: bool = True
    sid: str = ""  # where its pages are stored, when there is more than one
    # buttons that act on rows of this page (Cancel an order): shown only to members allowed to act
    actions: RowActions = ()

    def keyboard(self, *, acting: bool = False) -> InlineKeyboardMarkup | None:
        rows = [list(r) for r in self.actions] if acting else []
        row: list[InlineKeyboardButton] = []
        if self.page > 0:
            row.append(_button("◀ " + _("Prev"), self._turn(self.page - 1)))
        if self.refresh:
            row.append(_button("🔄 " + _("Refresh"), ViewCb(view=self.view, arg=self.arg, page=self.page)))
        if self.page + 1 < self.pages:
            row.append(_button(_("Next") + " ▶", self._turn(self.page + 1)))
        rows += [row] if row else []
        return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None

    def _turn(self, page: int) -> ViewCb:
        return ViewCb(view=self.view, arg=self.arg, page=page, sid=self.sid)


def _button(text: str, data: ViewCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def split_pages(blocks: Sequence[str], *, header: str = "", budget: int = PAGE_BUDGET) -> list[str]:
    """Blocks (each a few lines that belong together) packed into pages, each under ``budget``.

    A block longer than a page is split at line boundaries, so nothing is lost.
    """
    pages: list[str] = []
    current: list[str] = []
    used = len(header)
    pieces = [piece for block in blocks for piece in _split_block(block, budget - len(header) - 2)]
    for block in pieces:
        if current and used + len(block) + 2 > budget:
            pages.append(_join(header, current))
            current, used = [], len(header)
        current.append(block)
        used += len(block) + 2
    if current or not pages:
        pages.append(_join(header, current))
    return pages


def page_of(pages: Sequence[str], page: int) -> tuple[str, int]:
    """The page asked for, clamped: a list that shrank since the button was drawn still answers."""
    index = max(0, min(page, len(pages) - 1))
    text = pages[index]
    if len(pages) > 1:
        text += "\n\n" + _("Page {page} of {pages}").format(page=index + 1, pages=len(pages))
    return text, index


def with_freshness(text: str, freshness: Freshness | None, tz: ZoneInfo) -> str:
    """The page, and under it how old its data is when it was not fetched for this reply."""
    line = freshness_line(freshness, tz)
    return f"{text}\n\n{line}" if line else text


def freshness_line(freshness: Freshness | None, tz: ZoneInfo) -> str:
    if freshness is None or not (freshness.cached or freshness.refused):
        return ""
    at = freshness.fetched_at.astimezone(tz).strftime("%H:%M")
    if freshness.refused is not None:
        return "⏳ " + _("Data as of {time}: {reason}").format(time=at, reason=reason_text(freshness.refused))
    seconds = max(0, int((datetime.now(UTC) - freshness.fetched_at).total_seconds()))
    if seconds < 120:
        age = _("{seconds} s ago").format(seconds=seconds)
    else:
        age = _("{minutes} min ago").format(minutes=seconds // 60)
    return "🕓 " + _("Data as of {time} ({age})").format(time=at, age=age)


def _join(header: str, blocks: list[str]) -> str:
    return "\n\n".join([header, *blocks] if header else blocks)


def _split_block(block: str, budget: int) -> list[str]:
    """A block longer than a page, split between lines; every later piece repeats the block's first
    line (the account heading), so page 2 still says whose rows it shows."""
    if len(block) <= budget:
        return [block]
    heading, *rest = block.split("\n")
    heading = heading[:budget]  # a single line longer than a page is the one thing that is cut
    line_budget = max(1, budget - len(heading) - 1)
    pieces: list[str] = []
    lines = [heading]
    used = len(heading)
    for line in rest:
        line = line[:line_budget]
        if len(lines) > 1 and used + len(line) + 1 > budget:
            pieces.append("\n".join(lines))
            lines, used = [heading], len(heading)
        lines.append(line)
        used += len(line) + 1
    pieces.append("\n".join(lines))
    return pieces
