"""/tz [ZONE]: the time zone every time in the replies is shown in."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from handlers.arguments import BadArgument, words
from handlers.views.timezone import current_timezone_text, timezone_set_text, unknown_timezone_text
from services.audit import AuditLog
from services.team import Role, TeamMember
from services.user_settings import UserSettings, find_timezone


async def set_timezone(
    message: Message,
    command: CommandObject,
    member: TeamMember,
    tz: ZoneInfo,
    user_settings: UserSettings,
    audit: AuditLog,
) -> None:
    try:
        wanted = " ".join(words(command.args, 1))
    except BadArgument as exc:
        await message.answer(str(exc), parse_mode=ParseMode.HTML)
        return
    if not wanted:
        await message.answer(current_timezone_text(tz), parse_mode=ParseMode.HTML)
        return
    zone = find_timezone(wanted)
    if zone is None:
        await message.answer(unknown_timezone_text(wanted), parse_mode=ParseMode.HTML)
        return
    await user_settings.set_timezone(member.telegram_id, zone)
    await audit.record(member.telegram_id, "tz.set", {"timezone": str(zone)})
    await message.answer(timezone_set_text(zone), parse_mode=ParseMode.HTML)


def build_router() -> Router:
    router = Router(name="timezone")
    router.message.register(set_timezone, Command("tz"), flags={"role": Role.VIEWER})
    return router
