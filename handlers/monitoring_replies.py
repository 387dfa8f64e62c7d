"""Sending and re-drawing monitoring screens: the part every monitoring command shares."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message
from aiogram.utils.chat_action import ChatActionSender
from aiogram.utils.i18n import gettext as _

from handlers.arguments import BadArgument
from handlers.screens import Monitoring, check_argument, known_view, open_screen, turn_screen
from handlers.views.paging import Screen, ViewCb


async def send_screen(
    message: Message, view: str, args: str | None, monitoring: Monitoring, tz: ZoneInfo
) -> None:
    try:
        arg = check_argument(monitoring, view, args or "")
    except BadArgument as exc:
        await message.answer(str(exc), parse_mode=ParseMode.HTML)
        return
    assert message.bot is not None
    async with ChatActionSender.typing(bot=message.bot, chat_id=message.chat.id):
        screen = await open_screen(monitoring, view, arg, 0, tz)
    await answer_screen(message, screen)


async def answer_screen(message: Message, screen: Screen) -> None:
    await message.answer(screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard())


async def redraw_screen(
    query: CallbackQuery, callback_data: ViewCb, monitoring: Monitoring, tz: ZoneInfo
) -> None:
    if not known_view(callback_data.view) or not isinstance(query.message, Message):
        await query.answer(_("This button is too old, send the command again."), show_alert=True)
        return
    try:
        arg = check_argument(monitoring, callback_data.view, callback_data.arg)
    except BadArgument:
        await query.answer(_("This button is too old, send the command again."), show_alert=True)
        return
    view, page = callback_data.view, callback_data.page
    if callback_data.sid:  # Prev/Next: the pages as they were built, no new request
        turned = await turn_screen(monitoring, view, arg, callback_data.sid, page, tz)
        if turned is None:
            await query.answer(_("This list has expired: press Refresh for new data."), show_alert=True)
            return
        screen = turned
    else:
        screen = await open_screen(monitoring, view, arg, page, tz, fresh=True)
    try:
        await query.message.edit_text(screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard())
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise
        await query.answer(_("Already up to date."))
        return
    await query.answer()
