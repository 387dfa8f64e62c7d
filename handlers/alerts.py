"""/alert ACCOUNT PAIR CONDITION sets a price alert, /alerts lists them with Pause and Delete buttons.

Without arguments /alert asks for the account, then the pair (buttons), then the condition (a message).
"""

from __future__ import annotations

import html
from contextlib import suppress
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.screens import unknown_account_text
from handlers.views.alerts import (
    AlertCb,
    alerts_keyboard,
    alerts_text,
    bad_condition_text,
    condition_prompt_text,
    created_text,
    gone_text,
    limit_text,
    page_count,
)
from handlers.views.common import echo
from handlers.views.exchange_errors import reason_text
from handlers.views.market import (
    PickCb,
    accounts_keyboard,
    choose_account_text,
    choose_pair_text,
    pairs_keyboard,
)
from services.accounts import UnknownAccount
from services.alerts.conditions import BadCondition
from services.alerts.desk import AlertDesk
from services.alerts.store import LimitReached
from services.exchanges import errors
from services.team import Role, TeamMember

VIEWER = {"role": Role.VIEWER}
COMMAND = "alert"


class AlertFlow(StatesGroup):
    condition = State()  # account and pair chosen: the next message is the condition


async def on_alert(
    message: Message,
    command: CommandObject,
    member: TeamMember,
    alerts: AlertDesk,
    state: FSMContext,
    tz: ZoneInfo,
) -> None:
    await state.clear()
    words = (command.args or "").split()
    if len(words) < 3:
        await ask_next(message, alerts, state, *words[:2])
        return
    await create(message, member, alerts, tz, words[0], words[1], words[2:])


async def on_pick(query: CallbackQuery, callback_data: PickCb, alerts: AlertDesk, state: FSMContext) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        # a picker serves once: its buttons go, so a second press cannot start the step again
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)
        await ask_next(query.message, alerts, state, callback_data.account, callback_data.pair)


async def ask_next(
    message: Message, alerts: AlertDesk, state: FSMContext, account: str = "", pair: str = ""
) -> None:
    """The guided flow: the first thing missing is asked for."""
    if not account:
        keyboard = accounts_keyboard(COMMAND, alerts.accounts.names)
        await message.answer(choose_account_text(), reply_markup=keyboard)
        return
    try:
        found = alerts.accounts.get(account)
        if not pair:
            markets = sorted((await found.client.load_markets()).markets, key=lambda m: m.symbol)
            keyboard = pairs_keyboard(COMMAND, found.name, markets)
            await message.answer(
                choose_pair_text(found.name), parse_mode=ParseMode.HTML, reply_markup=keyboard
            )
            return
        market = await found.client.market(pair)
    except UnknownAccount as exc:
        await message.answer(unknown_account_text(exc.name, exc.known), parse_mode=ParseMode.HTML)
        return
    except errors.ExchangeError as exc:
        await message.answer(f"{echo(account)}: {html.escape(reason_text(exc))}", parse_mode=ParseMode.HTML)
        return
    await state.set_state(AlertFlow.condition)
    await state.update_data(account=found.name, pair=market.symbol)
    await message.answer(condition_prompt_text(found.name, market.symbol), parse_mode=ParseMode.HTML)


async def on_condition(
    message: Message, member: TeamMember, alerts: AlertDesk, state: FSMContext, tz: ZoneInfo
) -> None:
    data = await state.get_data()
    await state.clear()
    words = (message.text or "").split()
    await create(message, member, alerts, tz, str(data["account"]), str(data["pair"]), words)


async def create(
    message: Message,
    member: TeamMember,
    alerts: AlertDesk,
    tz: ZoneInfo,
    account: str,
    pair: str,
    words: list[str],
) -> None:
    try:
        alert = await alerts.create(member.telegram_id, account, pair, words)
    except UnknownAccount as exc:
        text = unknown_account_text(exc.name, exc.known)
    except BadCondition as exc:
        text = bad_condition_text(exc)
    except LimitReached as exc:
        text = limit_text(exc.limit)
    except errors.ExchangeError as exc:
        text = f"{echo(account)} {echo(pair)}: {html.escape(reason_text(exc))}"
    else:
        text = created_text(alert, tz)
    await message.answer(text, parse_mode=ParseMode.HTML)


async def on_list(message: Message, member: TeamMember, alerts: AlertDesk, tz: ZoneInfo) -> None:
    mine = await alerts.of_member(member.telegram_id)
    await message.answer(alerts_text(mine, tz), parse_mode=ParseMode.HTML, reply_markup=alerts_keyboard(mine))


async def on_button(
    query: CallbackQuery, callback_data: AlertCb, member: TeamMember, alerts: AlertDesk, tz: ZoneInfo
) -> None:
    changes = {"del": alerts.delete, "pause": alerts.pause, "resume": alerts.resume}
    change = changes.get(callback_data.action)
    done = change is None or await change(member.telegram_id, callback_data.id)
    await query.answer(None if done else gone_text())
    if isinstance(query.message, Message):
        mine = await alerts.of_member(member.telegram_id)
        # the same page, or the last one left after a delete
        page = min(callback_data.page, page_count(mine) - 1)
        with suppress(TelegramBadRequest):  # "message is not modified" when nothing changed
            await query.message.edit_text(
                alerts_text(mine, tz, page),
                parse_mode=ParseMode.HTML,
                reply_markup=alerts_keyboard(mine, page),
            )


def build_router() -> Router:
    router = Router(name="alerts")
    router.message.register(on_alert, Command(COMMAND), flags=VIEWER)
    router.message.register(on_list, Command("alerts"), flags=VIEWER)
    router.message.register(on_condition, AlertFlow.condition, F.text, flags=VIEWER)
    router.callback_query.register(on_pick, PickCb.filter(F.command == COMMAND), flags=VIEWER)
    router.callback_query.register(
        on_button, AlertCb.filter(F.action.in_({"del", "pause", "resume", "page"})), flags=VIEWER
    )
    return router
