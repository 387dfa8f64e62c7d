"""/withdraw ACCOUNT ASSET AMOUNT ADDRESS [memo=..] [network=..]: a preview with Confirm and Cancel; on
Confirm the request goes to the approvers, and it is sent once enough of them (never the requester)
approve."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.orders import BadOrderText, number
from handlers.screens import unknown_account_text
from handlers.views.common import echo
from handlers.views.exchange_errors import reason_text
from handlers.views.orders import cancelled_text, decision_refusal
from handlers.views.twofactor import ask_code_text, code_sent_in_private_text, code_wrong_text, locked_text
from handlers.views.withdrawals import (
    REASONS,
    VoteCb,
    WithdrawCancelCb,
    WithdrawDecideCb,
    cancel_refusal,
    decide_keyboard,
    policy_text,
    preview_text,
    problem_text,
    reasons_keyboard,
    usage_text,
    vote_answer,
    vote_refusal,
)
from handlers.withdrawal_notices import WithdrawalNotices
from services.accounts import UnknownAccount
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import Decision, Vote
from services.exchanges import errors
from services.orders.reconcile import Reconciler
from services.team import Role, TeamMember
from services.withdrawals.desk import GateAnswer, Voted, WithdrawalDesk
from services.withdrawals.policy import PolicyRefused
from services.withdrawals.request import WithdrawalRejected, WithdrawalRequest

TRADER = {"role": Role.TRADER}
APPROVER = {"role": Role.APPROVER}
OPTIONS = ("memo", "network")


def parse_withdrawal(args: str) -> WithdrawalRequest:
    words = args.split()
    options = [w for w in words if "=" in w]
    positional = [w for w in words if "=" not in w]
    if len(positional) < 4:
        raise BadOrderText(usage_text())
    if len(positional) > 4:
        # an address with spaces splits into several words: say so rather than "extra words"
        extra = " ".join(positional[4:])
        text = _("Extra words: {words}. An address has no spaces.")
        raise BadOrderText(html.escape(text).format(words=echo(extra)))
    given: dict[str, str] = {}
    for option in options:
        name, _sep, value = option.partition("=")
        if name.lower() not in OPTIONS or not value:
            raise BadOrderText(html.escape(_("Unknown option: {option}")).format(option=echo(option)))
        given[name.lower()] = value
    account, asset, amount_text, address = positional
    amount = number(amount_text, _("Amount"))
    return WithdrawalRequest(account, asset, amount, address, given.get("memo"), given.get("network"))


async def on_withdraw(
    message: Message, command: CommandObject, member: TeamMember, withdrawals: WithdrawalDesk, tz: ZoneInfo
) -> None:
    try:
        request = parse_withdrawal(command.args or "")
    except BadOrderText as bad:
        await message.answer(bad.text, parse_mode=ParseMode.HTML)
        return
    await answer_preview(message, member, request, withdrawals, tz)


async def answer_preview(
    message: Message,
    member: TeamMember,
    request: WithdrawalRequest,
    withdrawals: WithdrawalDesk,
    tz: ZoneInfo,
) -> bool:
    """Answers with the withdrawal's preview (True), or with why there is none (False; nothing was
    created, sent or shown to an approver)."""
    try:
        previewed = await withdrawals.preview(member.telegram_id, message.chat.id, request)
    except WithdrawalRejected as rejected:
        text = problem_text(rejected)
    except PolicyRefused as refused:
        text = policy_text(refused, request.asset.upper(), tz)
    except UnknownAccount as exc:
        text = unknown_account_text(exc.name, exc.known)
    except errors.ExchangeError as exc:
        text = f"{echo(request.account)}: {html.escape(reason_text(exc))}"
    else:
        await message.answer(
            preview_text(previewed.preview, withdrawals.approvals_required),
            parse_mode=ParseMode.HTML,
            reply_markup=decide_keyboard(previewed.token),
        )
        return True
    await message.answer(text, parse_mode=ParseMode.HTML)
    return False


async def on_decide(
    query: CallbackQuery,
    callback_data: WithdrawDecideCb,
    member: TeamMember,
    withdrawals: WithdrawalDesk,
    withdrawal_notices: WithdrawalNotices,
    tz: ZoneInfo,
) -> None:
    message = query.message
    if not isinstance(message, Message) or message.html_text is None:
        await query.answer(decision_refusal(Decision.EXPIRED), show_alert=True)
        return
    confirm = callback_data.confirm
    confirmed = await withdrawals.decide(
        callback_data.token, member.telegram_id, message.chat.id, confirm=confirm
    )
    if confirmed.decision is not Decision.OK or confirmed.action is None:
        await query.answer(decision_refusal(confirmed.decision), show_alert=True)
        return
    await query.answer()
    if not confirm:
        await message.edit_text(cancelled_text(message.html_text), parse_mode=ParseMode.HTML)
        return
    action = confirmed.action
    if confirmed.refused is not None:
        text = message.html_text + "\n\n⛔ " + policy_text(confirmed.refused, action.params["asset"], tz)
        await message.edit_text(text, parse_mode=ParseMode.HTML)
        return
    await withdrawal_notices.tell_requester(action, message.message_id)
    await withdrawal_notices.ask_approvers(action)


class StepUp(StatesGroup):
    code = State()  # a code for the approval of the withdrawal in the data's "approve"


async def on_vote(
    query: CallbackQuery,
    callback_data: VoteCb,
    member: TeamMember,
    withdrawals: WithdrawalDesk,
    withdrawal_notices: WithdrawalNotices,
    bot: Bot,
    fsm_storage: BaseStorage,
    reconciler: Reconciler,
) -> None:
    message = query.message
    if callback_data.approve:
        voted = await withdrawals.approve(callback_data.id, member)
        if voted.vote is GateAnswer.CODE_NEEDED and voted.action is not None:
            await _ask_code(bot, fsm_storage, member, voted.action)
            await query.answer(code_sent_in_private_text(), show_alert=True)
            return
    elif not callback_data.reason:
        # Reject asks for a reason first: the buttons of this message become the short list
        action = await withdrawals.get(callback_data.id)
        if action is None or action.state is not ActionState.AWAITING_APPROVAL:
            await query.answer(vote_refusal(Vote.GONE if action is None else Vote.DECIDED), show_alert=True)
        else:
            await query.answer()
            if isinstance(message, Message):
                await message.edit_reply_markup(reply_markup=reasons_keyboard(callback_data.id))
        return
    else:
        reason = callback_data.reason if callback_data.reason in REASONS else "other"
        voted = await withdrawals.reject(callback_data.id, member, reason)
    if not _counted(voted):
        await query.answer(vote_refusal(voted.vote), show_alert=True)
        return
    await query.answer(vote_answer(Vote(voted.vote)))
    await _voted(voted, withdrawal_notices, reconciler)


def _counted(voted: Voted) -> bool:
    return voted.vote in (Vote.COUNTED, Vote.APPROVED, Vote.REJECTED)


async def _voted(voted: Voted, withdrawal_notices: WithdrawalNotices, reconciler: Reconciler) -> None:
    if voted.action is not None:
        await withdrawal_notices.update(voted.action)
        await withdrawal_notices.tell_requester(voted.action)
        outcome = voted.outcome
        if outcome is not None and outcome.executed_here and voted.action.state is ActionState.UNKNOWN:
            # the admins were told just now; looked up at once, the settlement is told to all concerned
            await reconciler.check(voted.action)


async def _ask_code(bot: Bot, storage: BaseStorage, member: TeamMember, action: Action) -> None:
    """The code is asked in the member's private chat, whichever chat the Approve was pressed in."""
    me = member.telegram_id
    state = FSMContext(storage=storage, key=StorageKey(bot_id=bot.id, chat_id=me, user_id=me))
    await state.set_state(StepUp.code)
    await state.set_data({"approve": action.id})
    await bot.send_message(me, ask_code_text(action), parse_mode=ParseMode.HTML)


async def on_code(
    message: Message,
    state: FSMContext,
    member: TeamMember,
    withdrawals: WithdrawalDesk,
    withdrawal_notices: WithdrawalNotices,
    reconciler: Reconciler,
) -> None:
    action_id = str((await state.get_data()).get("approve", ""))
    voted = await withdrawals.approve(action_id, member, message.text or "")
    if voted.vote is GateAnswer.CODE_WRONG:
        await message.answer(code_wrong_text(), parse_mode=ParseMode.HTML)
        return
    await state.clear()
    if voted.vote is GateAnswer.CODE_LOCKED:
        await message.answer(locked_text(), parse_mode=ParseMode.HTML)
        await withdrawal_notices.code_locked(member)
        return
    if not _counted(voted):
        await message.answer(html.escape(vote_refusal(voted.vote)), parse_mode=ParseMode.HTML)
        return
    await message.answer(html.escape(vote_answer(Vote(voted.vote))), parse_mode=ParseMode.HTML)
    await _voted(voted, withdrawal_notices, reconciler)


async def on_cancel(
    query: CallbackQuery,
    callback_data: WithdrawCancelCb,
    member: TeamMember,
    withdrawals: WithdrawalDesk,
    withdrawal_notices: WithdrawalNotices,
) -> None:
    action = await withdrawals.cancel(callback_data.id, member.telegram_id)
    if action is None:
        await query.answer(cancel_refusal(), show_alert=True)
        return
    await query.answer()
    message = query.message
    await withdrawal_notices.tell_requester(
        action, message.message_id if isinstance(message, Message) else None
    )
    await withdrawal_notices.update(action)


def build_router() -> Router:
    router = Router(name="withdrawals")
    router.message.register(on_withdraw, Command("withdraw"), flags=TRADER)
    router.callback_query.register(on_decide, WithdrawDecideCb.filter(), flags=TRADER)
    router.callback_query.register(on_vote, VoteCb.filter(), flags=APPROVER)
    # a command typed while a code is awaited goes to its own handler
    router.message.register(
        on_code, StateFilter(StepUp.code), F.text, ~F.text.startswith("/"), flags=APPROVER
    )
    router.callback_query.register(on_cancel, WithdrawCancelCb.filter(), flags=TRADER)
    return router
