"""Sending and re-drawing monitoring screens: the part every monitoring command shares."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message
from aiogram.utils.chat_action import ChatActionSender
from aiogram.utils.i18n import gettext as _

from handlers.arguments import BadArgument
from handlers.screens import SCREENS, Monitoring, check_argument
from handlers.views.paging import Screen, ViewCb


async def send_screen(
    message: Message,
    view: str,
    args: str | None,
    monitoring: Monitoring,
    tz: ZoneInfo,
    *,
    acting: bool = False,
) -> None:
    """``acting``: the member may act on the rows (a trader cancelling orders): their buttons show."""
    try:
        arg = check_argument(monitoring, view, args or "")
    except BadArgument as exc:
        await message.answer(str(exc), parse_mode=ParseMode.HTML)
        return
    assert message.bot is not None
    async with ChatActionSender.typing(bot=message.bot, chat_id=message.chat.id):
        screen = await SCREENS[view](monitoring, arg, 0, tz)
    await answer_screen(message, screen, acting=acting)


async def answer_screen(message: Message, screen: Screen, *, acting: bool = False) -> None:
    await message.answer(screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard(acting=acting))


async def redraw_screen(
    query: CallbackQuery, callback_data: ViewCb, monitoring: Monitoring, tz: ZoneInfo, *, acting: bool = False
) -> None:
    build = SCREENS.get(callback_data.view)
    if build is None or not isinstance(query.message, Message):
        await query.answer(_("This button is too old, send the command again."), show_alert=True)
        return
    try:
        arg = check_argument(monitoring, callback_data.view, callback_data.arg)
    except BadArgument:
        await query.answer(_("This button is too old, send the command again."), show_alert=True)
        return
    screen: Screen = await build(monitoring, arg, callback_data.page, tz)
    try:
        await query.message.edit_text(
            screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard(acting=acting)
        )
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise
        await query.answer(_("Already up to date."))
        return
    await query.answer()
