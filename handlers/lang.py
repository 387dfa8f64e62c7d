from __future__ import annotations

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from handlers.errors import is_not_modified
from handlers.languages import LOCALES
from handlers.views.lang import (
    LanguageChoice,
    choose_language_text,
    language_keyboard,
    language_set_text,
    unknown_language_text,
)
from services.audit import AuditLog
from services.team import Role, TeamMember
from services.user_settings import UserSettings


async def ask_language(message: Message, i18n: I18n) -> None:
    await message.answer(choose_language_text(), reply_markup=language_keyboard(i18n.current_locale))


async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    member: TeamMember,
    user_settings: UserSettings,
    audit: AuditLog,
    i18n: I18n,
) -> None:
    code = callback_data.code
    if code not in LOCALES:
        await query.answer(unknown_language_text(), show_alert=True)
        return
    await user_settings.set_language(member.telegram_id, code)
    await audit.record(member.telegram_id, "lang.set", {"language": code})
    # The confirmation is the first reply in the new language.
    with i18n.use_locale(code):
        text = language_set_text(code)
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.message.edit_text(text)
        except TelegramBadRequest as exc:
            if not is_not_modified(exc):  # a double tap: the first one already said so
                raise
    elif query.bot is not None:  # the menu message is too old to edit
        await query.bot.send_message(member.telegram_id, text)


def build_router() -> Router:
    router = Router(name="lang")
    router.message.register(ask_language, Command("lang"), flags={"role": Role.VIEWER})
    router.callback_query.register(choose_language, LanguageChoice.filter(), flags={"role": Role.VIEWER})
    return router
