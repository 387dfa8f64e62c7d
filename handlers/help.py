from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from handlers.commands import commands_for
from handlers.views.help import help_text
from services.team import Role, TeamMember


async def show_help(message: Message, member: TeamMember) -> None:
    await message.answer(help_text(commands_for(member.role)))


def build_router() -> Router:
    router = Router(name="help")
    router.message.register(show_help, Command("help"), flags={"role": Role.VIEWER})
    return router
