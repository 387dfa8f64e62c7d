"""/notify: each member chooses, per kind of push, on, silent or off."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.errors import is_not_modified
from handlers.views.notify import NotifyChoice, mode_set_text, settings_keyboard, settings_text
from services.audit import AuditLog
from services.notify_settings import NotificationSettings
from services.team import Role, TeamMember


async def show_settings(message: Message, member: TeamMember, notifications: NotificationSettings) -> None:
    modes = await notifications.modes(member.telegram_id)
    await message.answer(settings_text(), parse_mode=ParseMode.HTML, reply_markup=settings_keyboard(modes))


async def choose_mode(
    query: CallbackQuery,
    callback_data: NotifyChoice,
    member: TeamMember,
    notifications: NotificationSettings,
    audit: AuditLog,
) -> None:
    await notifications.set_mode(member.telegram_id, callback_data.kind, callback_data.mode)
    await audit.record(
        member.telegram_id, "notify.set", {"kind": callback_data.kind.value, "mode": callback_data.mode.value}
    )
    await query.answer(mode_set_text(callback_data.kind, callback_data.mode))
    if isinstance(query.message, Message):
        modes = await notifications.modes(member.telegram_id)
        try:
            await query.message.edit_text(
                settings_text(), parse_mode=ParseMode.HTML, reply_markup=settings_keyboard(modes)
            )
        except TelegramBadRequest as exc:
            if not is_not_modified(exc):  # a double tap: the first one already showed it
                raise


def build_router() -> Router:
    router = Router(name="notify")
    router.message.register(show_settings, Command("notify"), flags={"role": Role.VIEWER})
    router.callback_query.register(choose_mode, NotifyChoice.filter(), flags={"role": Role.VIEWER})
    return router
