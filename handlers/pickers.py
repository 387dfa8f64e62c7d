"""What the guided flows (/buy and /sell, /withdraw) share: a picker message that loses its buttons once
used or passed by typing, and a typed number checked like the one-line commands' numbers."""

from __future__ import annotations

from decimal import Decimal

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from handlers.orders import BadOrderText, number
from handlers.views.order_guide import picked_text

PICKER = "picker"  # in the flow's data: the id of the picker message still showing buttons


async def open_picker(query: CallbackQuery, state: FSMContext, step: State | None) -> Message | None:
    """The picker pressed, if it is the one the flow now waits on; None for an old or unknown one."""
    message = query.message
    if not isinstance(message, Message) or step is None or await state.get_state() != step.state:
        return None
    return message if (await state.get_data()).get(PICKER) == message.message_id else None


async def close_picker(message: Message, label: str) -> None:
    """The picker used: it shows what was picked and has no buttons any more."""
    if message.html_text is not None:
        await message.edit_text(picked_text(message.html_text, label), parse_mode=ParseMode.HTML)


async def drop_buttons(bot: Bot, chat_id: int, picker_id: int | None) -> None:
    """A picker passed by typing: its buttons go all the same."""
    if picker_id is not None:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=picker_id, reply_markup=None)


async def typed_number(message: Message, what: str, again: str) -> Decimal | None:
    """The number typed, or None once the member is told what is wrong and ``again`` (HTML)."""
    try:
        return number((message.text or "").strip(), what)
    except BadOrderText as bad:
        await message.answer(f"{bad.text}\n{again}", parse_mode=ParseMode.HTML)
        return None
