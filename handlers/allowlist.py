"""/allowlist [add|remove ACCOUNT ASSET ADDRESS [label]]: the withdrawal allowlist. An added address
needs an admin's approval (not the proposer's) and becomes usable after [withdrawals]
new_address_delay_h."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.enums import ParseMode
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from handlers.screens import unknown_account_text
from handlers.views.allowlist import (
    EntryCb,
    already_listed_text,
    bad_label_text,
    entry_refusal,
    list_text,
    not_listed_text,
    proposed_text,
    removed_text,
    usage_text,
)
from handlers.views.common import role_required_text
from handlers.views.withdrawals import problem_text
from handlers.withdrawal_notices import WithdrawalNotices
from services.accounts import UnknownAccount
from services.team import Role, TeamDirectory, TeamMember
from services.withdrawals.allowlist import AlreadyListed, EntryVote
from services.withdrawals.allowlist_desk import AllowlistDesk, BadLabel
from services.withdrawals.request import WithdrawalRejected

TRADER = {"role": Role.TRADER}
ADMIN = {"role": Role.ADMIN}


async def on_allowlist(
    message: Message,
    command: CommandObject,
    member: TeamMember,
    allowlist: AllowlistDesk,
    team: TeamDirectory,
    tz: ZoneInfo,
    withdrawal_notices: WithdrawalNotices,
) -> None:
    words = (command.args or "").split()
    if not words:
        text = list_text(allowlist.pinned(), await allowlist.entries(), team, tz)
        await message.answer(text, parse_mode=ParseMode.HTML)
        return
    verb, rest = words[0].lower(), words[1:]
    if verb == "add" and len(rest) >= 3:
        await _add(message, member, allowlist, withdrawal_notices, rest)
    elif verb == "remove" and len(rest) == 3:
        if not member.can(Role.ADMIN):
            await message.answer(html.escape(role_required_text(Role.ADMIN)))
            return
        removed = await allowlist.remove(member, *rest)
        text = removed_text(removed) if removed is not None else not_listed_text(rest[2])
        await message.answer(text, parse_mode=ParseMode.HTML)
    else:
        await message.answer(usage_text(), parse_mode=ParseMode.HTML)


async def _add(
    message: Message,
    member: TeamMember,
    allowlist: AllowlistDesk,
    notices: WithdrawalNotices,
    words: list[str],
) -> None:
    account, asset, address = words[:3]
    try:
        entry = await allowlist.propose(member, account, asset, address, " ".join(words[3:]))
    except UnknownAccount as exc:
        await message.answer(unknown_account_text(exc.name, exc.known), parse_mode=ParseMode.HTML)
    except WithdrawalRejected as rejected:
        await message.answer(problem_text(rejected), parse_mode=ParseMode.HTML)
    except BadLabel:
        await message.answer(html.escape(bad_label_text()), parse_mode=ParseMode.HTML)
    except AlreadyListed:
        await message.answer(already_listed_text(address), parse_mode=ParseMode.HTML)
    else:
        admins = allowlist.admins(member.telegram_id)
        await message.answer(proposed_text(allowlist.delay_s / 3600, len(admins)), parse_mode=ParseMode.HTML)
        await notices.ask_admins(entry, admins)


async def on_entry(
    query: CallbackQuery,
    callback_data: EntryCb,
    member: TeamMember,
    allowlist: AllowlistDesk,
    withdrawal_notices: WithdrawalNotices,
) -> None:
    if callback_data.approve:
        vote = await allowlist.approve(callback_data.id, member)
        entry = await allowlist.get(callback_data.id)
        if vote is not EntryVote.APPROVED or entry is None:
            await query.answer(entry_refusal(vote), show_alert=True)
            return
    else:
        entry = await allowlist.reject(callback_data.id, member)
        if entry is None:
            await query.answer(entry_refusal(None), show_alert=True)
            return
    await query.answer()
    await withdrawal_notices.entry_decided(entry, member, approved=callback_data.approve)


def build_router() -> Router:
    router = Router(name="allowlist")
    router.message.register(on_allowlist, Command("allowlist"), flags=TRADER)
    router.callback_query.register(on_entry, EntryCb.filter(), flags=ADMIN)
    return router
