"""/accounts: the configured accounts and whether each one answers right now."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.chat_action import ChatActionSender

from handlers.views.accounts import accounts_text
from services.accounts import check_reachability
from services.monitoring import Monitoring
from services.team import Role


async def show_accounts(message: Message, monitoring: Monitoring) -> None:
    assert message.bot is not None
    async with ChatActionSender.typing(bot=message.bot, chat_id=message.chat.id):
        results = await check_reachability(monitoring.accounts, budget=monitoring.portfolio.budget)
    await message.answer(accounts_text(results), parse_mode=ParseMode.HTML)


def build_router() -> Router:
    router = Router(name="accounts")
    router.message.register(show_accounts, Command("accounts"), flags={"role": Role.VIEWER})
    return router
