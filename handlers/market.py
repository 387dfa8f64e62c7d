"""/price, /book and /chart ACCOUNT PAIR: one market of one account; without arguments, a guided flow."""

from __future__ import annotations

import html
from contextlib import suppress
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.chat_action import ChatActionSender
from aiogram.utils.i18n import gettext as _

from handlers.arguments import BadArgument
from handlers.arguments import words as split_words
from handlers.screens import unknown_account_text
from handlers.views.common import echo
from handlers.views.exchange_errors import reason_text
from handlers.views.market import (
    PickCb,
    accounts_keyboard,
    book_text,
    chart_caption,
    chart_labels,
    choose_account_text,
    choose_pair_text,
    no_capable_account_text,
    pairs_keyboard,
    price_text,
)
from services.accounts import UnknownAccount
from services.charts import candlestick_png
from services.exchanges import errors
from services.exchanges.base import INTERVAL_SECONDS
from services.exchanges.capabilities import Capability
from services.market_data import UnknownInterval
from services.monitoring import Monitoring
from services.team import Role

MARKET_COMMANDS = ("price", "book", "chart")
# ACCOUNT PAIR, and /chart an INTERVAL
MOST_WORDS = {"price": 2, "book": 2, "chart": 3}
# an account serves a command if it has any of these (a chart is drawn from trades when there are no candles)
NEEDS = {
    "price": {Capability.FETCH_TICKERS},
    "book": {Capability.FETCH_ORDER_BOOK},
    "chart": {Capability.FETCH_OHLCV, Capability.FETCH_TRADES},
}


@dataclass(frozen=True)
class MarketRequest:
    command: str
    account: str = ""
    pair: str = ""
    interval: str | None = None


async def on_market_command(
    message: Message, command: CommandObject, monitoring: Monitoring, tz: ZoneInfo
) -> None:
    name = command.command.lower()
    try:
        words = split_words(command.args, MOST_WORDS[name])
    except BadArgument as exc:
        await message.answer(str(exc), parse_mode=ParseMode.HTML)
        return
    request = MarketRequest(
        name,
        words[0] if words else "",
        words[1] if len(words) > 1 else "",
        words[2] if len(words) > 2 else None,
    )
    await answer_market(message, request, monitoring, tz)


async def on_pick(query: CallbackQuery, callback_data: PickCb, monitoring: Monitoring, tz: ZoneInfo) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        # a picker serves once: its buttons go, so a second press cannot start the step again
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)
        request = MarketRequest(callback_data.command, callback_data.account, callback_data.pair)
        await answer_market(query.message, request, monitoring, tz)


async def answer_market(
    message: Message, request: MarketRequest, monitoring: Monitoring, tz: ZoneInfo
) -> None:
    """Asks for what is missing, else answers; every failure becomes a short reason."""
    if not request.account:
        needs = NEEDS[request.command]
        capable = [a.name for a in monitoring.accounts if any(a.client.has(c) for c in needs)]
        if not capable:
            await message.answer(no_capable_account_text(request.command), parse_mode=ParseMode.HTML)
            return
        keyboard = accounts_keyboard(request.command, capable)
        await message.answer(choose_account_text(), reply_markup=keyboard)
        return
    try:
        account = monitoring.accounts.get(request.account)
        if not request.pair:
            markets = sorted((await account.client.load_markets()).markets, key=lambda m: m.symbol)
            keyboard = pairs_keyboard(request.command, account.name, markets)
            await message.answer(
                choose_pair_text(account.name), parse_mode=ParseMode.HTML, reply_markup=keyboard
            )
            return
        assert message.bot is not None
        async with ChatActionSender.typing(bot=message.bot, chat_id=message.chat.id):
            await _answer(message, request, monitoring, tz)
    except UnknownAccount as exc:
        await message.answer(unknown_account_text(exc.name, exc.known), parse_mode=ParseMode.HTML)
    except UnknownInterval as exc:
        text = html.escape(_("Unknown interval {interval}. Use one of: {known}")).format(
            interval=echo(exc.interval), known=html.escape(", ".join(INTERVAL_SECONDS))
        )
        await message.answer(text, parse_mode=ParseMode.HTML)
    except errors.ExchangeError as exc:
        text = f"{echo(request.account)}: {html.escape(reason_text(exc))}"
        await message.answer(text, parse_mode=ParseMode.HTML)


async def _answer(message: Message, request: MarketRequest, monitoring: Monitoring, tz: ZoneInfo) -> None:
    data = monitoring.market_data
    if request.command == "price":
        view = await data.price(request.account, request.pair)
        await message.answer(price_text(view), parse_mode=ParseMode.HTML)
    elif request.command == "book":
        market, book = await data.order_book(request.account, request.pair)
        await message.answer(book_text(request.account, market, book), parse_mode=ParseMode.HTML)
    else:
        series = await data.candles(request.account, request.pair, request.interval)
        if not series.candles:
            await message.answer(
                html.escape(_("No trades in this period to draw.")), parse_mode=ParseMode.HTML
            )
            return
        labels = chart_labels(series, tz)
        png = await candlestick_png(series.candles, labels, INTERVAL_SECONDS[series.interval], tz)
        caption = chart_caption(series, tz)
        await message.answer_photo(BufferedInputFile(png, "chart.png"), caption=caption)


def build_router() -> Router:
    router = Router(name="market")
    router.message.register(on_market_command, Command(*MARKET_COMMANDS), flags={"role": Role.VIEWER})
    router.callback_query.register(
        on_pick, PickCb.filter(F.command.in_(MARKET_COMMANDS)), flags={"role": Role.VIEWER}
    )
    return router
