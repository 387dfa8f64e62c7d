"""/balance [ACCOUNT] and /portfolio [QUOTE]: what the team holds and what it is worth."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.chat_action import ChatActionSender
from aiogram.utils.i18n import gettext as _

from handlers.arguments import BadArgument
from handlers.screens import answer_screen, check_argument, portfolio_content_of, screen_of, send_screen
from handlers.views.paging import View
from services.charts import portfolio_pies_png
from services.monitoring import Monitoring
from services.team import Role, TeamMember


async def show_balance(
    message: Message, command: CommandObject, monitoring: Monitoring, tz: ZoneInfo, member: TeamMember
) -> None:
    await send_screen(message, View.BALANCE, command.args, monitoring, tz, member)


async def show_portfolio(
    message: Message, command: CommandObject, monitoring: Monitoring, tz: ZoneInfo, member: TeamMember
) -> None:
    try:
        quote = check_argument(monitoring, View.PORTFOLIO, command.args or "")
    except BadArgument as exc:
        await message.answer(str(exc), parse_mode=ParseMode.HTML)
        return
    assert message.bot is not None
    async with ChatActionSender.typing(bot=message.bot, chat_id=message.chat.id):
        report = await monitoring.portfolio.report(quote=quote or None)
    # the text and the chart come from the same report: one round of requests, and they agree
    screen = await screen_of(monitoring, View.PORTFOLIO, quote, portfolio_content_of(report, tz), 0, tz)
    await answer_screen(message, screen, member)
    if report.total <= 0:
        return
    # the pies need only proportions: shares of the total are numbers a float holds whatever the values
    # (a 1e999 balance would be an infinite wedge)
    png = await portfolio_pies_png(
        _shares(report.by_asset(), report.total),
        _shares(report.by_account(), report.total),
        (_("By asset"), _("By account")),
        _("other"),
    )
    caption = _("Portfolio split in {quote}").format(quote=report.quote)
    await message.answer_photo(BufferedInputFile(png, "portfolio.png"), caption=caption)


def _shares(parts: dict[str, Decimal], total: Decimal) -> dict[str, Decimal]:
    return {name: value / total for name, value in parts.items()}


def build_router() -> Router:
    router = Router(name="holdings")
    router.message.register(show_balance, Command("balance"), flags={"role": Role.VIEWER})
    router.message.register(show_portfolio, Command("portfolio"), flags={"role": Role.VIEWER})
    return router
