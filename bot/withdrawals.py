"""Withdrawal pushes: approval requests to every approver (or the approvals group), their messages
edited as the request moves on, and the requester told each step; plus the job that expires requests
not approved in time."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

from bot.notify import Buttons, Notifier, Recipient, Render
from handlers.views.allowlist import entry_keyboard, entry_text
from handlers.views.reconcile import unknown_text
from handlers.views.twofactor import locked_admins_text
from handlers.views.withdrawals import (
    cancel_request_keyboard,
    request_text,
    vote_keyboard,
)
from services.actions.records import Action
from services.actions.states import ActionState
from services.notify_settings import Kind
from services.team import Role, TeamDirectory, TeamMember
from services.withdrawals.allowlist import Entry
from services.withdrawals.desk import WITHDRAWAL, WithdrawalDesk
from services.withdrawals.messages import PushedMessages

log = logging.getLogger(__name__)

EXPIRY_CHECK_S = 5.0
# an approved request still unsent after this long was left by a copy that stopped: it is sent now
RESUME_AFTER_S = 30.0


class WithdrawalNotices:
    def __init__(
        self,
        bot: Bot,
        notifier: Notifier,
        desk: WithdrawalDesk,
        pushed: PushedMessages,
        team: TeamDirectory,
        approvals_chat_id: int | None,
        team_chat_id: int | None,
    ) -> None:
        self._bot = bot
        self._notifier = notifier
        self._desk = desk
        self._pushed = pushed
        self._team = team
        self._approvals_chat_id = approvals_chat_id
        self._team_chat_id = team_chat_id

    def _requester(self, action: Action) -> TeamMember | None:
        return self._team.get(action.member_id)

    async def _text(self, action: Action) -> tuple[str, list[TeamMember]]:
        requester = self._requester(action)
        return (requester.name if requester else str(action.member_id)), await self._desk.approved_by(
            action.id
        )

    async def ask_approvers(self, action: Action) -> None:
        """The request with Approve and Reject, to each approver privately or to the approvals group."""
        name, approved = await self._text(action)
        targets: list[TeamMember | int] = (
            [self._approvals_chat_id]
            if self._approvals_chat_id is not None
            else list(self._desk.approvers(action.member_id))
        )
        required = self._desk.approvals_required
        for target in targets:
            try:
                message_id = await self._notifier.send_now(
                    target,
                    lambda _r: request_text(action, name, approved, required),
                    lambda: vote_keyboard(action.id),
                )
            except TelegramAPIError as exc:  # one approver who never opened the chat must not stop the rest
                log.warning("approval request %s not delivered: %s", action.id, exc)
                continue
            chat_id = target if isinstance(target, int) else target.telegram_id
            await self._pushed.remember(_subject(action), chat_id, message_id)

    async def update(self, action: Action) -> None:
        """Every approval message shows the request's state; buttons stay only while it awaits."""
        if action.kind != WITHDRAWAL:
            return
        name, approved = await self._text(action)
        required = self._desk.approvals_required
        waiting = action.state is ActionState.AWAITING_APPROVAL

        def render(_recipient: Recipient) -> str:
            return request_text(action, name, approved, required)

        buttons: Buttons | None = (lambda: vote_keyboard(action.id)) if waiting else None
        await self._edit_all(_subject(action), render, buttons)

    async def _edit_all(self, subject: str, render: Render, buttons: Buttons | None) -> None:
        for chat_id, message_id in await self._pushed.of(subject):
            member = self._team.get(chat_id)
            recipient = await self._notifier.recipient(member or chat_id)
            text = self._notifier.render(recipient, render)
            markup = self._notifier.render_buttons(recipient, buttons) if buttons is not None else None
            await self._edit(chat_id, message_id, text, markup)

    async def code_locked(self, member: TeamMember) -> None:
        """The admins learn that a member's approvals were locked after wrong step-up codes."""
        for admin in self._team:
            if admin.can(Role.ADMIN):
                with contextlib.suppress(TelegramAPIError):
                    await self._notifier.notify(
                        admin, lambda _r: locked_admins_text(member.name), Kind.SYSTEM
                    )

    # -- allowlist entries ---------------------------------------------------------------------------

    async def ask_admins(self, entry: Entry, admins: list[TeamMember]) -> None:
        """A proposed address with Approve and Reject, to each admin other than the proposer."""
        render = self._entry_render(entry)
        for admin in admins:
            try:
                message_id = await self._notifier.send_now(admin, render, lambda: entry_keyboard(entry.id))
            except TelegramAPIError as exc:
                log.warning("allowlist request %s not delivered: %s", entry.id, exc)
                continue
            await self._pushed.remember(_entry_subject(entry), admin.telegram_id, message_id)

    async def entry_decided(self, entry: Entry, decided_by: TeamMember, *, approved: bool) -> None:
        """Every admin's message shows the decision without buttons; the proposer is told."""
        render = self._entry_render(entry, decided_by, approved=approved)
        await self._edit_all(_entry_subject(entry), render, None)
        proposer = self._team.get(entry.added_by)
        if proposer is not None:
            with contextlib.suppress(TelegramAPIError):
                await self._notifier.notify(proposer, render, Kind.APPROVALS)

    def _entry_render(
        self, entry: Entry, decided_by: TeamMember | None = None, *, approved: bool = False
    ) -> Render:
        proposer = self._team.get(entry.added_by)
        name = proposer.name if proposer else str(entry.added_by)

        def render(recipient: Recipient) -> str:
            return entry_text(entry, name, recipient.timezone, decided_by, approved=approved)

        return render

    async def tell_requester(self, action: Action, message_id: int | None = None) -> None:
        """The requester's own message (their preview) edited to the state, or a new message."""
        requester = self._requester(action)
        if requester is None:
            return
        name, approved = await self._text(action)
        required = self._desk.approvals_required
        recipient = await self._notifier.recipient(requester)
        text = self._notifier.render(recipient, lambda _r: request_text(action, name, approved, required))
        waiting = action.state is ActionState.AWAITING_APPROVAL
        markup = (
            self._notifier.render_buttons(recipient, lambda: cancel_request_keyboard(action.id))
            if waiting
            else None
        )
        if message_id is not None:
            await self._edit(action.chat_id, message_id, text, markup)
        else:
            await self._send(recipient, text)
        if action.state is ActionState.UNKNOWN and not action.told:
            for admin in self._team:
                if admin.can(Role.ADMIN):
                    await self._notifier.notify(admin, lambda _r: unknown_text(action, name), Kind.SYSTEM)
            await self._desk.admins_told(action.id)
        if not waiting and self._team_chat_id is not None:
            # the team group sees each decision and outcome (not the requests: approvers get those)
            with contextlib.suppress(TelegramAPIError):
                await self._notifier.notify(
                    self._team_chat_id,
                    lambda _r: request_text(action, name, approved, required),
                    Kind.WITHDRAWALS,
                )

    async def _send(self, recipient: Recipient, text: str) -> None:
        with contextlib.suppress(TelegramAPIError):
            await self._bot.send_message(recipient.chat_id, text, parse_mode=ParseMode.HTML)

    async def _edit(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        # "message is not modified" and a deleted message are both fine: nothing left to show
        with contextlib.suppress(TelegramAPIError):
            await self._bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML, reply_markup=markup
            )


def _subject(action: Action) -> str:
    return f"withdrawal:{action.id}"


def _entry_subject(entry: Entry) -> str:
    return f"allowlist:{entry.id}"


class WithdrawalExpiry:
    """Leader job: requests past their approval deadline expire, approved ones left unsent are sent,
    and everyone involved sees it."""

    name = "withdrawal-expiry"

    def __init__(self, desk: WithdrawalDesk, notices: WithdrawalNotices) -> None:
        self._desk = desk
        self._notices = notices
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                expired = await self._desk.expire_overdue()
                for action in expired + await self._desk.resume_approved(RESUME_AFTER_S):
                    await self._notices.update(action)
                    await self._notices.tell_requester(action)
            except Exception:
                log.exception("withdrawal expiry check failed")
            await asyncio.sleep(EXPIRY_CHECK_S)
