"""/orders, /trades, /deposits, /withdrawals [ACCOUNT]: lists across accounts, paged."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from handlers.screens import send_screen
from handlers.views.paging import View
from services.monitoring import Monitoring
from services.team import Role, TeamMember

COMMAND_VIEWS = {
    "orders": View.ORDERS,
    "trades": View.TRADES,
    "deposits": View.DEPOSITS,
    "withdrawals": View.WITHDRAWALS,
}


async def show_history(
    message: Message, command: CommandObject, monitoring: Monitoring, tz: ZoneInfo, member: TeamMember
) -> None:
    await send_screen(message, COMMAND_VIEWS[command.command.lower()], command.args, monitoring, tz, member)


def build_router() -> Router:
    router = Router(name="history")
    router.message.register(show_history, Command(*COMMAND_VIEWS), flags={"role": Role.VIEWER})
    return router
