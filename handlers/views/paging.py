"""Replies that may not fit one message: pages within Telegram's 4096 characters, Prev/Next/Refresh.

A screen is re-built from fresh data on every button press, so the callback carries only what names it
(which view, its argument, the page): no server-side state to expire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

# Telegram's limit is 4096; the margin covers the page footer
PAGE_BUDGET = 3800


class ViewCb(CallbackData, prefix="v"):
    view: str  # a key of handlers.screens.SCREENS
    arg: str = ""  # account name, quote currency...
    page: int = 0


@dataclass(frozen=True)
class Screen:
    text: str
    view: str
    arg: str = ""
    page: int = 0
    pages: int = 1
    refresh: bool = True
    # buttons that act on rows of this page (Cancel an order): shown only to members allowed to act
    actions: tuple[tuple[InlineKeyboardButton, ...], ...] = ()

    def keyboard(self, *, acting: bool = False) -> InlineKeyboardMarkup | None:
        rows = [list(r) for r in self.actions] if acting else []
        row: list[InlineKeyboardButton] = []
        if self.page > 0:
            row.append(_button("◀ " + _("Prev"), ViewCb(view=self.view, arg=self.arg, page=self.page - 1)))
        if self.refresh:
            row.append(_button("🔄 " + _("Refresh"), ViewCb(view=self.view, arg=self.arg, page=self.page)))
        if self.page + 1 < self.pages:
            row.append(_button(_("Next") + " ▶", ViewCb(view=self.view, arg=self.arg, page=self.page + 1)))
        rows += [row] if row else []
        return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


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
