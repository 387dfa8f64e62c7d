"""/price, /book and /chart ACCOUNT PAIR: one market of one account; without arguments, a guided flow."""

from __future__ import annotations

import html
from dataclasses import dataclass

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.chat_action import ChatActionSender
from aiogram.utils.i18n import gettext as _

from handlers.screens import Monitoring, unknown_account_text
from handlers.views.exchange_errors import reason_text
from handlers.views.market import (
    PickCb,
    accounts_keyboard,
    book_text,
    chart_caption,
    choose_account_text,
    choose_pair_text,
    pairs_keyboard,
    price_text,
)
from services.accounts import UnknownAccount
from services.charts import ChartLabels, candlestick_png
from services.exchanges import errors
from services.market_data import INTERVAL_SECONDS, UnknownInterval
from services.team import Role

MARKET_COMMANDS = ("price", "book", "chart")


@dataclass(frozen=True)
class MarketRequest:
    command: str
    account: str = ""
    pair: str = ""
    interval: str | None = None


async def on_market_command(message: Message, command: CommandObject, monitoring: Monitoring) -> None:
    words = (command.args or "").split()
    request = MarketRequest(
        command.command.lower(),
        words[0] if words else "",
        words[1] if len(words) > 1 else "",
        words[2] if len(words) > 2 else None,
    )
    await answer_market(message, request, monitoring)


async def on_pick(query: CallbackQuery, callback_data: PickCb, monitoring: Monitoring) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        request = MarketRequest(callback_data.command, callback_data.account, callback_data.pair)
        await answer_market(query.message, request, monitoring)


async def answer_market(message: Message, request: MarketRequest, monitoring: Monitoring) -> None:
    """Asks for what is missing, else answers; every failure becomes a short reason."""
    if not request.account:
        keyboard = accounts_keyboard(request.command, monitoring.accounts.names)
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
            await _answer(message, request, monitoring)
    except UnknownAccount as exc:
        await message.answer(unknown_account_text(exc.name, exc.known), parse_mode=ParseMode.HTML)
    except UnknownInterval as exc:
        text = _("Unknown interval {interval}. Use one of: {known}").format(
            interval=exc.interval, known=", ".join(INTERVAL_SECONDS)
        )
        await message.answer(html.escape(text), parse_mode=ParseMode.HTML)
    except errors.ExchangeError as exc:
        text = f"{request.account}: {reason_text(exc)}"
        await message.answer(html.escape(text), parse_mode=ParseMode.HTML)


async def _answer(message: Message, request: MarketRequest, monitoring: Monitoring) -> None:
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
        labels = ChartLabels(
            title=f"{series.market.symbol} · {series.interval}",
            x_axis=_("time (UTC)"),
            y_axis=_("price, {quote}").format(quote=series.market.quote),
        )
        png = await candlestick_png(series.candles, labels, INTERVAL_SECONDS[series.interval])
        await message.answer_photo(BufferedInputFile(png, "chart.png"), caption=chart_caption(series))


def build_router() -> Router:
    router = Router(name="market")
    router.message.register(on_market_command, Command(*MARKET_COMMANDS), flags={"role": Role.VIEWER})
    router.callback_query.register(on_pick, PickCb.filter(), flags={"role": Role.VIEWER})
    return router
