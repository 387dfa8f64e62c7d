"""/withdraw without arguments: a guided flow with buttons, account -> asset -> network (only where the
asset has several) -> address (the allowlist's usable ones, or one typed) -> memo (only where the asset
needs one) -> the amount typed, then the same preview and checks as the one-line command.

Built like the guided /buy (handlers.order_guide): the state is aiogram FSM state in Redis, each step checks
its answer and, when it is wrong, says why and asks again; a used or passed picker loses its buttons, and a
press on an old one changes nothing. A typed address gets the one-line command's address and allowlist
checks at once."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.enums import ParseMode
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.pickers import PICKER, close_picker, drop_buttons, open_picker, typed_number
from handlers.screens import unknown_account_text
from handlers.views.common import echo
from handlers.views.exchange_errors import reason_text
from handlers.views.order_guide import ask_amount_text, picker
from handlers.views.withdraw_guide import (
    WithdrawGuideCb,
    address_values,
    ask_account_text,
    ask_address_text,
    ask_asset_text,
    ask_memo_text,
    ask_network_text,
    asset_values,
    no_accounts_text,
    no_assets_text,
    old_picker_text,
    try_again_text,
)
from handlers.views.withdrawals import policy_text, problem_text
from handlers.withdrawals import answer_preview
from services.exchanges import errors
from services.team import Role, TeamMember
from services.withdrawals.desk import WithdrawalDesk
from services.withdrawals.policy import PolicyRefused
from services.withdrawals.request import WithdrawalProblem, WithdrawalRejected, WithdrawalRequest, check_memo

TRADER = {"role": Role.TRADER}


class WithdrawGuide(StatesGroup):
    account = State()
    asset = State()
    network = State()
    address = State()
    memo = State()  # only for an asset that leaves with a memo
    amount = State()


STEP_STATE = {
    "account": WithdrawGuide.account,
    "asset": WithdrawGuide.asset,
    "network": WithdrawGuide.network,
    "address": WithdrawGuide.address,
}


async def start(message: Message, state: FSMContext, withdrawals: WithdrawalDesk) -> None:
    await state.clear()
    accounts = withdrawals.withdrawal_accounts()
    if not accounts:
        await message.answer(no_accounts_text(), parse_mode=ParseMode.HTML)
        return
    sent = await message.answer(
        ask_account_text(),
        parse_mode=ParseMode.HTML,
        reply_markup=picker("account", [(a, a) for a in accounts], WithdrawGuideCb),
    )
    await state.set_state(WithdrawGuide.account)
    await state.set_data({PICKER: sent.message_id})


async def on_pick(
    query: CallbackQuery,
    callback_data: WithdrawGuideCb,
    state: FSMContext,
    member: TeamMember,
    withdrawals: WithdrawalDesk,
    bot: Bot,
    tz: ZoneInfo,
) -> None:
    message = await open_picker(query, state, STEP_STATE.get(callback_data.step))
    if message is None:
        await query.answer(old_picker_text(), show_alert=True)
        return
    value = callback_data.value
    if callback_data.step == "account":
        if value not in withdrawals.withdrawal_accounts():
            await query.answer(old_picker_text(), show_alert=True)
            return
        await query.answer()
        await close_picker(message, value)
        await _ask_asset(message, state, withdrawals, value)
        return
    if callback_data.step == "address":
        # the button carries the address's place in the list the flow offered (an address is too long)
        addresses: list[str] = (await state.get_data()).get("addresses", [])
        if not value.isdigit() or int(value) >= len(addresses):
            await query.answer(old_picker_text(), show_alert=True)
            return
        await query.answer()
        chosen = addresses[int(value)]
        await _address_chosen(message, state, member, withdrawals, bot, tz, chosen, picked=message)
        return
    await query.answer()
    if callback_data.step == "asset":
        await _asset_chosen(message, state, withdrawals, bot, value, picked=message)
    else:
        await _network_chosen(message, state, withdrawals, bot, value, picked=message)


async def _ask_asset(message: Message, state: FSMContext, withdrawals: WithdrawalDesk, account: str) -> None:
    try:
        assets = await withdrawals.assets(account)
    except errors.ExchangeError as exc:
        # the account picker is gone: start over rather than leave the member in a step with no buttons
        await state.clear()
        await message.answer(f"{echo(account)}: {html.escape(reason_text(exc))}", parse_mode=ParseMode.HTML)
        return
    if not assets:
        await state.clear()
        await message.answer(no_assets_text(account), parse_mode=ParseMode.HTML)
        return
    values = asset_values(assets)
    sent = await message.answer(
        ask_asset_text(account, len(values), len(assets)),
        parse_mode=ParseMode.HTML,
        reply_markup=picker("asset", values, WithdrawGuideCb),
    )
    await state.set_state(WithdrawGuide.asset)
    await state.update_data({"account": account, PICKER: sent.message_id})


async def _step_failed(message: Message, text: str) -> None:
    """What was wrong (HTML), and that the same step is asked again."""
    await message.answer(f"{text}\n{try_again_text()}", parse_mode=ParseMode.HTML)


async def _asset_chosen(
    message: Message,
    state: FSMContext,
    withdrawals: WithdrawalDesk,
    bot: Bot,
    text: str,
    *,
    picked: Message | None = None,
) -> None:
    """An asset picked or typed: one the account holds free; then its network, where it has several."""
    data = await state.get_data()
    account = data["account"]
    try:
        asset = await withdrawals.asset(account, text)
        routes = await withdrawals.routes(account, asset)
    except WithdrawalRejected as rejected:
        await _step_failed(message, problem_text(rejected))
        return
    except errors.ExchangeError as exc:
        await _step_failed(message, html.escape(reason_text(exc)))
        return
    await _passed(message, bot, data, asset, picked)
    networks = routes.networks
    await state.update_data({"asset": asset, "networks": networks, "memo": routes.memo, PICKER: None})
    if len(networks) <= 1:  # none to choose: the exchange's own, as with the one-line command
        await _ask_address(message, state, withdrawals, None)
        return
    sent = await message.answer(
        ask_network_text(asset),
        parse_mode=ParseMode.HTML,
        reply_markup=picker("network", [(n, n) for n in networks], WithdrawGuideCb),
    )
    await state.set_state(WithdrawGuide.network)
    await state.update_data({PICKER: sent.message_id})


async def _passed(
    message: Message, bot: Bot, data: dict[str, object], label: str, picked: Message | None
) -> None:
    if picked is not None:
        await close_picker(picked, label)
    else:
        picker_id = data.get(PICKER)
        await drop_buttons(bot, message.chat.id, picker_id if isinstance(picker_id, int) else None)


async def _network_chosen(
    message: Message,
    state: FSMContext,
    withdrawals: WithdrawalDesk,
    bot: Bot,
    text: str,
    *,
    picked: Message | None = None,
) -> None:
    data = await state.get_data()
    networks: list[str] = data.get("networks", [])
    network = next((n for n in networks if n.lower() == text.lower()), None)
    if network is None:
        rejected = WithdrawalRejected(WithdrawalProblem.UNKNOWN_NETWORK, choices=networks)
        await _step_failed(message, problem_text(rejected))
        return
    await _passed(message, bot, data, network, picked)
    await _ask_address(message, state, withdrawals, network)


async def _ask_address(
    message: Message, state: FSMContext, withdrawals: WithdrawalDesk, network: str | None
) -> None:
    data = await state.get_data()
    listed = await withdrawals.usable_addresses(data["account"], data["asset"])
    sent = await message.answer(
        ask_address_text(data["asset"], network, bool(listed)),
        parse_mode=ParseMode.HTML,
        reply_markup=picker("address", address_values(listed), WithdrawGuideCb) if listed else None,
    )
    await state.set_state(WithdrawGuide.address)
    await state.update_data(
        {
            "network": network,
            "addresses": [a for a, _label in listed],
            PICKER: sent.message_id if listed else None,
        }
    )


async def _address_chosen(
    message: Message,
    state: FSMContext,
    member: TeamMember,
    withdrawals: WithdrawalDesk,
    bot: Bot,
    tz: ZoneInfo,
    address: str,
    *,
    picked: Message | None = None,
) -> None:
    """An address picked or typed: the one-line command's format and allowlist checks, now."""
    data = await state.get_data()
    asset = data["asset"]
    try:
        await withdrawals.check_address(
            member.telegram_id, data["account"], asset, data.get("network"), address
        )
    except WithdrawalRejected as rejected:
        await _step_failed(message, problem_text(rejected))
        return
    except PolicyRefused as refused:
        await _step_failed(message, policy_text(refused, asset, tz))
        return
    await _passed(message, bot, data, address, picked)
    await state.update_data({"address": address, PICKER: None})
    if data.get("memo"):
        await state.set_state(WithdrawGuide.memo)
        await message.answer(ask_memo_text(asset), parse_mode=ParseMode.HTML)
        return
    await state.set_state(WithdrawGuide.amount)
    await message.answer(ask_amount_text(asset), parse_mode=ParseMode.HTML)


async def on_memo(message: Message, state: FSMContext) -> None:
    memo = (message.text or "").strip()
    try:
        check_memo(memo)
    except WithdrawalRejected as rejected:
        await _step_failed(message, problem_text(rejected))
        return
    asset = (await state.get_data())["asset"]
    await state.update_data({"memo_text": memo})
    await state.set_state(WithdrawGuide.amount)
    await message.answer(ask_amount_text(asset), parse_mode=ParseMode.HTML)


async def on_account_typed(
    message: Message, state: FSMContext, withdrawals: WithdrawalDesk, bot: Bot
) -> None:
    typed = (message.text or "").strip()
    accounts = withdrawals.withdrawal_accounts()
    if typed not in accounts:
        await _step_failed(message, unknown_account_text(typed, accounts))
        return
    await _passed(message, bot, await state.get_data(), typed, None)
    await _ask_asset(message, state, withdrawals, typed)


async def on_asset_typed(message: Message, state: FSMContext, withdrawals: WithdrawalDesk, bot: Bot) -> None:
    await _asset_chosen(message, state, withdrawals, bot, (message.text or "").strip())


async def on_network_typed(
    message: Message, state: FSMContext, withdrawals: WithdrawalDesk, bot: Bot
) -> None:
    await _network_chosen(message, state, withdrawals, bot, (message.text or "").strip())


async def on_address_typed(
    message: Message,
    state: FSMContext,
    member: TeamMember,
    withdrawals: WithdrawalDesk,
    bot: Bot,
    tz: ZoneInfo,
) -> None:
    # only the ends are trimmed: spaces inside are the address's problem, said by its check
    await _address_chosen(message, state, member, withdrawals, bot, tz, (message.text or "").strip())


async def on_amount(
    message: Message, state: FSMContext, member: TeamMember, withdrawals: WithdrawalDesk, tz: ZoneInfo
) -> None:
    amount = await typed_number(message, _("Amount"), try_again_text())
    if amount is None:
        return
    data = await state.get_data()
    request = WithdrawalRequest(
        data["account"], data["asset"], amount, data["address"], data.get("memo_text"), data.get("network")
    )
    if await answer_preview(message, member, request, withdrawals, tz):
        await state.clear()
        return
    # what was wrong has been said: the member tries another amount in the same flow
    await message.answer(ask_amount_text(data["asset"]), parse_mode=ParseMode.HTML)


def build_router() -> Router:
    router = Router(name="withdraw_guide")
    router.message.register(start, Command("withdraw", magic=F.args.is_(None)), flags=TRADER)
    router.callback_query.register(on_pick, WithdrawGuideCb.filter(), flags=TRADER)
    typed = (F.text, ~F.text.startswith("/"))  # a command in the middle of a flow is a command
    router.message.register(on_account_typed, WithdrawGuide.account, *typed, flags=TRADER)
    router.message.register(on_asset_typed, WithdrawGuide.asset, *typed, flags=TRADER)
    router.message.register(on_network_typed, WithdrawGuide.network, *typed, flags=TRADER)
    router.message.register(on_address_typed, WithdrawGuide.address, *typed, flags=TRADER)
    router.message.register(on_memo, WithdrawGuide.memo, *typed, flags=TRADER)
    router.message.register(on_amount, WithdrawGuide.amount, *typed, flags=TRADER)
    return router
