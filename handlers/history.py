"""/orders, /trades, /deposits, /withdrawals [ACCOUNT]: lists across accounts, paged."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from handlers.monitoring_replies import redraw_screen, send_screen
from handlers.screens import Monitoring
from handlers.views.paging import ViewCb
from services.team import Role, TeamMember

COMMAND_VIEWS = {"orders": "o", "trades": "t", "deposits": "d", "withdrawals": "w"}


async def show_history(
    message: Message, command: CommandObject, monitoring: Monitoring, tz: ZoneInfo, member: TeamMember
) -> None:
    view = COMMAND_VIEWS[command.command.lower()]
    await send_screen(message, view, command.args, monitoring, tz, acting=member.role >= Role.TRADER)


async def turn_page(
    query: CallbackQuery, callback_data: ViewCb, monitoring: Monitoring, tz: ZoneInfo, member: TeamMember
) -> None:
    await redraw_screen(query, callback_data, monitoring, tz, acting=member.role >= Role.TRADER)


def build_router() -> Router:
    router = Router(name="history")
    router.message.register(show_history, Command(*COMMAND_VIEWS), flags={"role": Role.VIEWER})
    # every paged screen (balance and portfolio too) turns its pages here
    router.callback_query.register(turn_page, ViewCb.filter(), flags={"role": Role.VIEWER})
    return router
