"""/buy and /sell ACCOUNT PAIR AMOUNT [PRICE] [stop=PRICE]: a preview with Confirm and Cancel; the order
leaves only on Confirm, exactly once."""

from __future__ import annotations

import html
from decimal import Decimal

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.screens import unknown_account_text
from handlers.views.exchange_errors import reason_text
from handlers.views.orders import (
    DecideCb,
    again_text,
    amount_problem_text,
    cancelled_text,
    decision_keyboard,
    decision_refusal,
    echo,
    order_problem_text,
    preview_text,
    result_text,
    sending_text,
    usage_text,
)
from services.accounts import UnknownAccount
from services.actions.states import ActionState
from services.actions.store import Decision
from services.exchanges import errors
from services.exchanges.models import OrderSide
from services.orders.amounts import AmountError, parse_amount
from services.orders.desk import OrderDesk
from services.orders.reconcile import Reconciler
from services.orders.ticket import OrderRejected, OrderRequest
from services.team import Role, TeamMember

TRADER = {"role": Role.TRADER}


class BadOrderText(Exception):
    """The command's words are wrong; ``text`` (HTML) says how."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def parse_order(side: OrderSide, args: str) -> OrderRequest:
    words = args.split()
    options = [w for w in words if "=" in w]
    positional = [w for w in words if "=" not in w]
    if len(positional) < 3:
        raise BadOrderText(usage_text(side.value))
    if len(positional) > 4:
        extra = " ".join(positional[4:])
        raise BadOrderText(html.escape(_("Extra words: {words}")).format(words=echo(extra)))
    stop = None
    for option in options:
        name, _sep, value = option.partition("=")
        if name.lower() != "stop":
            raise BadOrderText(html.escape(_("Unknown option: {option}")).format(option=echo(option)))
        stop = number(value, _("Stop price"))
    account, pair, amount_text = positional[:3]
    price = number(positional[3], _("Price")) if len(positional) == 4 else None
    return OrderRequest(account, pair, side, number(amount_text, _("Amount")), price, stop)


def number(text: str, what: str) -> Decimal:
    try:
        return parse_amount(text)
    except AmountError as error:
        raise BadOrderText(amount_problem_text(error, what)) from None


async def on_order(message: Message, command: CommandObject, member: TeamMember, orders: OrderDesk) -> None:
    side = OrderSide.BUY if command.command.lower() == "buy" else OrderSide.SELL
    try:
        request = parse_order(side, command.args or "")
    except BadOrderText as bad:
        await message.answer(bad.text, parse_mode=ParseMode.HTML)
        return
    await answer_preview(message, member, request, orders)


async def answer_preview(
    message: Message, member: TeamMember, request: OrderRequest, orders: OrderDesk
) -> bool:
    """Answers with the order's preview (True), or with why there is none (False; nothing was sent)."""
    try:
        previewed = await orders.preview(member.telegram_id, message.chat.id, request)
    except OrderRejected as rejected:
        text = html.escape(order_problem_text(rejected))
    except UnknownAccount as exc:
        text = unknown_account_text(exc.name, exc.known)
    except errors.ExchangeError as exc:
        text = f"{echo(request.account)}: {html.escape(reason_text(exc))}"
    else:
        await message.answer(
            preview_text(previewed.preview),
            parse_mode=ParseMode.HTML,
            reply_markup=decision_keyboard(previewed.token),
        )
        return True
    await message.answer(text, parse_mode=ParseMode.HTML)
    return False


async def on_decide(
    query: CallbackQuery,
    callback_data: DecideCb,
    member: TeamMember,
    orders: OrderDesk,
    reconciler: Reconciler,
) -> None:
    message = query.message
    if not isinstance(message, Message) or message.html_text is None:
        await query.answer(decision_refusal(Decision.EXPIRED), show_alert=True)
        return
    token, confirm = callback_data.token, callback_data.confirm
    decision = await orders.decide(token, member.telegram_id, message.chat.id, confirm=confirm)
    preview = message.html_text
    if decision is Decision.AGAIN:
        await query.answer()
        await message.edit_text(
            again_text(preview), parse_mode=ParseMode.HTML, reply_markup=message.reply_markup
        )
    elif decision is not Decision.OK:
        # to the presser only: the chat keeps the message as it is
        await query.answer(decision_refusal(decision), show_alert=True)
    elif not confirm:
        await query.answer()
        await message.edit_text(cancelled_text(preview), parse_mode=ParseMode.HTML)
    else:
        # answered and stripped of its buttons at once: the exchange may take seconds
        await query.answer(_("Sending…"))
        await message.edit_text(sending_text(preview), parse_mode=ParseMode.HTML)
        outcome = await orders.execute(token, member.telegram_id)
        if outcome.action is not None:
            await message.edit_text(result_text(preview, outcome.action), parse_mode=ParseMode.HTML)
            if outcome.executed_here and outcome.action.state is ActionState.UNKNOWN:
                # admins told and the order looked up now; the member hears the settlement
                await reconciler.outcome_unknown(outcome.action)


def build_router() -> Router:
    router = Router(name="orders")
    router.message.register(on_order, Command("buy", "sell"), flags=TRADER)
    router.callback_query.register(on_decide, DecideCb.filter(), flags=TRADER)
    return router
