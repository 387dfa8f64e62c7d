"""/cancel ACCOUNT ORDER_ID and the Cancel button of an /orders row: a preview of the open order with
Confirm and Cancel; the cancel leaves only on Confirm, exactly once (handlers.orders decides)."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.arguments import BadArgument, words
from handlers.screens import unknown_account_text
from handlers.views.cancel import CancelOrderCb, cancel_preview_text, cancel_usage_text, order_not_open_text
from handlers.views.common import echo
from handlers.views.exchange_errors import reason_text
from handlers.views.orders import decision_keyboard
from services.accounts import UnknownAccount
from services.exchanges import errors
from services.orders.desk import OrderDesk, OrderNotOpen
from services.team import Role, TeamMember

TRADER = {"role": Role.TRADER}


async def _preview(message: Message, member_id: int, account: str, order_id: str, orders: OrderDesk) -> None:
    """Sends the cancel preview into the message's chat, or says why there is none."""
    try:
        previewed = await orders.preview_cancel(member_id, message.chat.id, account, order_id)
    except UnknownAccount as exc:
        text = unknown_account_text(exc.name, exc.known)
    except OrderNotOpen:
        text = order_not_open_text(account, order_id)
    except errors.ExchangeError as exc:
        text = f"{echo(account)}: {html.escape(reason_text(exc))}"
    else:
        await message.answer(
            cancel_preview_text(account, previewed.order),
            parse_mode=ParseMode.HTML,
            reply_markup=decision_keyboard(previewed.token),
        )
        return
    await message.answer(text, parse_mode=ParseMode.HTML)


async def on_cancel(message: Message, command: CommandObject, member: TeamMember, orders: OrderDesk) -> None:
    try:
        found = words(command.args, 2)
    except BadArgument as exc:
        await message.answer(str(exc), parse_mode=ParseMode.HTML)
        return
    if len(found) < 2:
        await message.answer(cancel_usage_text(), parse_mode=ParseMode.HTML)
        return
    account, order_id = found
    await _preview(message, member.telegram_id, account.lower(), order_id, orders)


async def on_cancel_row(
    query: CallbackQuery, callback_data: CancelOrderCb, member: TeamMember, orders: OrderDesk
) -> None:
    if not isinstance(query.message, Message):
        await query.answer(_("This button is too old, send the command again."), show_alert=True)
        return
    await query.answer()
    await _preview(query.message, member.telegram_id, callback_data.account, callback_data.order_id, orders)


def build_router() -> Router:
    router = Router(name="cancel")
    router.message.register(on_cancel, Command("cancel"), flags=TRADER)
    router.callback_query.register(on_cancel_row, CancelOrderCb.filter(), flags=TRADER)
    return router
