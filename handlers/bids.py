"""/bid ACCOUNT DIRECTION AMOUNT [to=ACCOUNT] on an exchanger site, and the Cancel button of a /bids row:
a preview with Confirm and Cancel; the bid (or its cancel) leaves only on Confirm, exactly once."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.orders import BadOrderText, number
from handlers.screens import unknown_account_text
from handlers.views.bids import bid_preview_text, bid_problem_text, bid_usage_text, unknown_direction_text
from handlers.views.cancel import CancelBidCb, bid_cancel_preview_text
from handlers.views.common import echo
from handlers.views.exchange_errors import reason_text
from handlers.views.orders import decision_keyboard
from services.accounts import UnknownAccount
from services.bids import BidDesk, BidRejected, BidRequest
from services.exchanges import errors
from services.team import Role, TeamMember

TRADER = {"role": Role.TRADER}
PAYOUT_OPTION = "to"


def parse_bid(args: str) -> BidRequest:
    words = args.split()
    options = [w for w in words if "=" in w]
    positional = [w for w in words if "=" not in w]
    if len(positional) < 3:
        raise BadOrderText(bid_usage_text())
    if len(positional) > 3:
        extra = " ".join(positional[3:])
        raise BadOrderText(html.escape(_("Extra words: {words}")).format(words=echo(extra)))
    payout = None
    for option in options:
        name, _sep, value = option.partition("=")
        if name.lower() != PAYOUT_OPTION or not value:
            raise BadOrderText(html.escape(_("Unknown option: {option}")).format(option=echo(option)))
        payout = value
    account, direction, amount_text = positional
    return BidRequest(account.lower(), direction, number(amount_text, _("Amount")), payout)


async def on_bid(message: Message, command: CommandObject, member: TeamMember, bids: BidDesk) -> None:
    try:
        request = parse_bid(command.args or "")
    except BadOrderText as bad:
        await message.answer(bad.text, parse_mode=ParseMode.HTML)
        return
    try:
        previewed = await bids.preview(member.telegram_id, message.chat.id, request)
    except UnknownAccount as exc:
        text = unknown_account_text(exc.name, exc.known)
    except BidRejected as rejected:
        text = bid_problem_text(rejected)
    except errors.UnknownPair:
        text = unknown_direction_text(request.account, request.direction)
    except errors.ExchangeError as exc:
        text = f"{echo(request.account)}: {html.escape(reason_text(exc))}"
    else:
        await message.answer(
            bid_preview_text(request, previewed),
            parse_mode=ParseMode.HTML,
            reply_markup=decision_keyboard(previewed.token),
        )
        return
    await message.answer(text, parse_mode=ParseMode.HTML)


async def on_cancel_bid_row(
    query: CallbackQuery, callback_data: CancelBidCb, member: TeamMember, bids: BidDesk
) -> None:
    message = query.message
    if not isinstance(message, Message):
        await query.answer(_("This button is too old, send the command again."), show_alert=True)
        return
    account = callback_data.account
    try:
        previewed = await bids.preview_cancel(
            member.telegram_id, message.chat.id, account, callback_data.bid_id
        )
    except BidRejected as rejected:
        await query.answer(html.unescape(bid_problem_text(rejected)), show_alert=True)
        return
    except (UnknownAccount, errors.ExchangeError) as exc:
        reason = reason_text(exc) if isinstance(exc, errors.ExchangeError) else str(exc)
        await query.answer(f"{account}: {reason}"[:200], show_alert=True)
        return
    await query.answer()
    await message.answer(
        bid_cancel_preview_text(account, previewed.bid),
        parse_mode=ParseMode.HTML,
        reply_markup=decision_keyboard(previewed.token),
    )


def build_router() -> Router:
    router = Router(name="bids")
    router.message.register(on_bid, Command("bid"), flags=TRADER)
    router.callback_query.register(on_cancel_bid_row, CancelBidCb.filter(), flags=TRADER)
    return router
