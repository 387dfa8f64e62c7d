"""Whatever no other handler took: one short answer pointing to /help, never silence.

Its router must be the last one attached: it matches every message in a private chat.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType, ParseMode
from aiogram.types import Message

from handlers.views.fallback import unknown_command_text, unknown_input_text
from services.team import Role


async def answer_unknown(message: Message) -> None:
    text = message.text or ""
    if text.startswith("/"):
        await message.answer(unknown_command_text(text.split()[0]), parse_mode=ParseMode.HTML)
    else:
        await message.answer(unknown_input_text(), parse_mode=ParseMode.HTML)


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(answer_unknown, F.chat.type == ChatType.PRIVATE, flags={"role": Role.VIEWER})
    return router
