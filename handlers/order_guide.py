"""/buy and /sell without arguments: a guided flow with buttons, account -> pair -> type, then the amount
and the prices typed, then the same preview as the one-line command.

Where the member stands is aiogram FSM state (in Redis, so any copy of the bot carries on). Every step
checks its answer and, when it is wrong, says why and asks again: the flow is not lost. A picker that
was used (or passed by typing) loses its buttons, and a press on an old picker changes nothing.
"""

from __future__ import annotations

import html
from decimal import Decimal

from aiogram import Bot, F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.orders import answer_preview
from handlers.pickers import PICKER, close_picker, drop_buttons, open_picker, typed_number
from handlers.views.common import echo
from handlers.views.exchange_errors import reason_text
from handlers.views.order_guide import (
    GuideCb,
    ask_account_text,
    ask_amount_text,
    ask_pair_text,
    ask_price_text,
    ask_stop_text,
    ask_type_text,
    no_accounts_text,
    old_picker_text,
    pair_values,
    picker,
    try_again_text,
    type_values,
    unknown_pair_text,
)
from handlers.views.orders import type_title
from services.exchanges import errors
from services.exchanges.models import OrderSide, OrderType
from services.orders.desk import OrderDesk
from services.orders.ticket import OrderRequest
from services.team import Role, TeamMember

TRADER = {"role": Role.TRADER}


class OrderGuide(StatesGroup):
    account = State()
    pair = State()
    type = State()
    amount = State()
    stop = State()
    price = State()


STEP_STATE = {"account": OrderGuide.account, "pair": OrderGuide.pair, "type": OrderGuide.type}


async def start(message: Message, command: CommandObject, state: FSMContext, orders: OrderDesk) -> None:
    side = OrderSide.BUY if command.command.lower() == "buy" else OrderSide.SELL
    await state.clear()
    accounts = orders.trading_accounts()
    if not accounts:
        await message.answer(no_accounts_text(), parse_mode=ParseMode.HTML)
        return
    sent = await message.answer(
        ask_account_text(side),
        parse_mode=ParseMode.HTML,
        reply_markup=picker("account", [(a, a) for a in accounts]),
    )
    await state.set_state(OrderGuide.account)
    await state.set_data({"side": side.value, PICKER: sent.message_id})


async def on_pick(
    query: CallbackQuery, callback_data: GuideCb, state: FSMContext, orders: OrderDesk, bot: Bot
) -> None:
    message = await open_picker(query, state, STEP_STATE.get(callback_data.step))
    if message is None:
        await query.answer(old_picker_text(), show_alert=True)
        return
    data = await state.get_data()
    value = callback_data.value
    if callback_data.step == "account":
        if value not in orders.trading_accounts():
            await query.answer(old_picker_text(), show_alert=True)
            return
        await query.answer()
        await close_picker(message, value)
        await _ask_pair(message, state, orders, value)
    elif callback_data.step == "pair":
        await query.answer()
        await _pair_chosen(message, state, orders, bot, value, picked=message)
    else:
        types = orders.order_types(data["account"])
        chosen = next((t for t in types if t.value == value), None)
        if chosen is None:
            await query.answer(old_picker_text(), show_alert=True)
            return
        await query.answer()
        await close_picker(message, type_title(chosen))
        await state.update_data({"type": chosen.value, PICKER: None})
        await state.set_state(OrderGuide.amount)
        await message.answer(ask_amount_text(data["pair"].split("/")[0]), parse_mode=ParseMode.HTML)


async def _ask_pair(message: Message, state: FSMContext, orders: OrderDesk, account: str) -> None:
    try:
        pairs = await orders.pairs(account)
    except errors.ExchangeError as exc:
        # the account picker is gone: start over rather than leave the member in a step with no buttons
        await state.clear()
        await message.answer(f"{echo(account)}: {html.escape(reason_text(exc))}", parse_mode=ParseMode.HTML)
        return
    side = OrderSide((await state.get_data())["side"])
    values = pair_values(pairs)
    sent = await message.answer(
        ask_pair_text(side, account, len(values), len(pairs)),
        parse_mode=ParseMode.HTML,
        reply_markup=picker("pair", values),
    )
    await state.set_state(OrderGuide.pair)
    await state.update_data({"account": account, PICKER: sent.message_id})


async def _pair_chosen(
    message: Message,
    state: FSMContext,
    orders: OrderDesk,
    bot: Bot,
    text: str,
    *,
    picked: Message | None = None,
) -> None:
    """A pair picked (on the ``picked`` picker) or typed: checked against the exchange's markets, then the
    type is asked."""
    data = await state.get_data()
    try:
        pair = await orders.pair(data["account"], text)
    except errors.UnknownPair:
        await message.answer(unknown_pair_text(text), parse_mode=ParseMode.HTML)
        return
    except errors.ExchangeError as exc:
        await message.answer(
            f"{html.escape(reason_text(exc))}\n{try_again_text()}", parse_mode=ParseMode.HTML
        )
        return
    if picked is not None:
        await close_picker(picked, pair)
    else:
        await drop_buttons(bot, message.chat.id, data.get(PICKER))
    side = OrderSide(data["side"])
    sent = await message.answer(
        ask_type_text(side, pair),
        parse_mode=ParseMode.HTML,
        reply_markup=picker("type", type_values(orders.order_types(data["account"]))),
    )
    await state.set_state(OrderGuide.type)
    await state.update_data({"pair": pair, PICKER: sent.message_id})


async def on_pair_typed(message: Message, state: FSMContext, orders: OrderDesk, bot: Bot) -> None:
    await _pair_chosen(message, state, orders, bot, (message.text or "").strip())


async def on_amount(message: Message, state: FSMContext, member: TeamMember, orders: OrderDesk) -> None:
    amount = await typed_number(message, _("Amount"), try_again_text())
    if amount is None:
        return
    await state.update_data(amount=str(amount))
    order_type = OrderType((await state.get_data())["type"])
    if order_type is OrderType.MARKET:
        await _finish(message, state, member, orders, price=None)
    elif order_type is OrderType.STOP_LIMIT:
        await state.set_state(OrderGuide.stop)
        await message.answer(ask_stop_text(), parse_mode=ParseMode.HTML)
    else:
        await state.set_state(OrderGuide.price)
        await message.answer(ask_price_text(), parse_mode=ParseMode.HTML)


async def on_stop(message: Message, state: FSMContext) -> None:
    stop = await typed_number(message, _("Stop price"), try_again_text())
    if stop is None:
        return
    await state.update_data(stop=str(stop))
    await state.set_state(OrderGuide.price)
    await message.answer(ask_price_text(), parse_mode=ParseMode.HTML)


async def on_price(message: Message, state: FSMContext, member: TeamMember, orders: OrderDesk) -> None:
    price = await typed_number(message, _("Price"), try_again_text())
    if price is not None:
        await _finish(message, state, member, orders, price=price)


async def _finish(
    message: Message, state: FSMContext, member: TeamMember, orders: OrderDesk, *, price: Decimal | None
) -> None:
    data = await state.get_data()
    stop = Decimal(data["stop"]) if data.get("stop") else None
    request = OrderRequest(
        data["account"], data["pair"], OrderSide(data["side"]), Decimal(data["amount"]), price, stop
    )
    if await answer_preview(message, member, request, orders):
        await state.clear()
        return
    # what was wrong has been said: the member tries another amount (and prices) in the same flow
    await state.set_state(OrderGuide.amount)
    await message.answer(ask_amount_text(data["pair"].split("/")[0]), parse_mode=ParseMode.HTML)


def build_router() -> Router:
    router = Router(name="order_guide")
    router.message.register(start, Command("buy", "sell", magic=F.args.is_(None)), flags=TRADER)
    router.callback_query.register(on_pick, GuideCb.filter(), flags=TRADER)
    typed = (F.text, ~F.text.startswith("/"))  # a command in the middle of a flow is a command
    router.message.register(on_pair_typed, OrderGuide.pair, *typed, flags=TRADER)
    router.message.register(on_amount, OrderGuide.amount, *typed, flags=TRADER)
    router.message.register(on_stop, OrderGuide.stop, *typed, flags=TRADER)
    router.message.register(on_price, OrderGuide.price, *typed, flags=TRADER)
    return router
