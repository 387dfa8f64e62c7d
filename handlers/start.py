from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandStart
from aiogram.types import Message

from handlers.views.start import greeting_text
from services.team import Role, TeamMember


async def start(message: Message, member: TeamMember) -> None:
    await message.answer(greeting_text(member))


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart(), flags={"role": Role.VIEWER})
    return router
