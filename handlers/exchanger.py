"""/directions and /bids [ACCOUNT]: what the team's exchanger sites offer, and the bids placed on them."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from handlers.screens import send_screen
from handlers.views.common import echo
from handlers.views.exchange_errors import reason_text
from handlers.views.paging import View
from services.exchanges import errors
from services.monitoring import Monitoring
from services.team import Role, TeamMember

COMMAND_VIEWS = {"directions": View.DIRECTIONS, "bids": View.BIDS}


async def show_exchanger(
    message: Message, command: CommandObject, monitoring: Monitoring, tz: ZoneInfo, member: TeamMember
) -> None:
    try:
        monitoring.exchanger.sites((command.args or "").strip() or None)
    except errors.NotSupported as exc:
        text = f"{echo(command.args or '')}: {html.escape(reason_text(exc))}"
        await message.answer(text, parse_mode=ParseMode.HTML)
        return
    except LookupError:
        pass  # an unknown account: send_screen names the known ones
    await send_screen(message, COMMAND_VIEWS[command.command.lower()], command.args, monitoring, tz, member)


def build_router() -> Router:
    router = Router(name="exchanger")
    router.message.register(show_exchanger, Command(*COMMAND_VIEWS), flags={"role": Role.VIEWER})
    return router
