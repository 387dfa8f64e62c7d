"""Settle buttons: an admin says what became of an order whose outcome the bot could not find out."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, Message

from handlers.views.reconcile import NOT_PLACED, SettleCb, settle_answer, settled_line
from services.orders.reconcile import Reconciler, Settled
from services.team import Role, TeamMember


async def on_settle(
    query: CallbackQuery, callback_data: SettleCb, member: TeamMember, reconciler: Reconciler
) -> None:
    pick = None if callback_data.pick == NOT_PLACED else callback_data.pick
    settlement = await reconciler.settle(callback_data.action, member.telegram_id, pick)
    done = settlement.result in (Settled.PLACED, Settled.NOT_PLACED)
    await query.answer(settle_answer(settlement.result), show_alert=not done)
    message = query.message
    if isinstance(message, Message) and message.html_text and settlement.action is not None:
        # the buttons go: settled, or settled before by someone else
        text = message.html_text + "\n\n" + settled_line(settlement.action)
        if settlement.result is not Settled.STALE:
            await message.edit_text(text, parse_mode=ParseMode.HTML)


def build_router() -> Router:
    router = Router(name="settle")
    router.callback_query.register(on_settle, SettleCb.filter(), flags={"role": Role.ADMIN})
    return router
