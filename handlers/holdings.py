"""/balance [ACCOUNT] and /portfolio [QUOTE]: what the team holds and what it is worth."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _

from handlers.monitoring_replies import send_screen
from handlers.screens import BadArgument, Monitoring, check_argument
from services.charts import portfolio_pies_png


async def show_balance(
    message: Message, command: CommandObject, monitoring: Monitoring, tz: ZoneInfo
) -> None:
    await send_screen(message, "b", command.args, monitoring, tz)


async def show_portfolio(
    message: Message, command: CommandObject, monitoring: Monitoring, tz: ZoneInfo
) -> None:
    await send_screen(message, "p", command.args, monitoring, tz)
    try:
        quote = check_argument(monitoring, "p", command.args or "") or None
    except BadArgument:
        return
    # the report is cached per exchange for a few seconds, so the chart costs no extra requests
    report = await monitoring.portfolio.report(quote=quote)
    if report.total <= 0:
        return
    png = await portfolio_pies_png(
        report.by_asset(), report.by_account(), (_("By asset"), _("By account")), _("other")
    )
    caption = _("Portfolio split in {quote}").format(quote=report.quote)
    await message.answer_photo(BufferedInputFile(png, "portfolio.png"), caption=caption)


def build_router() -> Router:
    router = Router(name="holdings")
    router.message.register(show_balance, Command("balance"))
    router.message.register(show_portfolio, Command("portfolio"))
    return router
