"""Who hears about actions (orders, cancels, bids, withdrawals) with an unknown outcome: the admins at
once and with Settle buttons, the member when it is settled. Rendered per recipient (language, zone) by
the Notifier."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram.exceptions import TelegramAPIError

from bot.notify import Buttons, Notifier, Render
from handlers.views.reconcile import settle_keyboard, settled_text, undecided_text, unknown_text
from services.actions.records import Action
from services.notify_settings import Kind
from services.team import Role, TeamDirectory, TeamMember

log = logging.getLogger(__name__)


Followed = Callable[[Action], Awaitable[None]]


class AdminAlerts:
    def __init__(self, notifier: Notifier, team: TeamDirectory) -> None:
        self._notifier = notifier
        self._team = team
        self._followers: list[Followed] = []

    def follow(self, changed: Followed) -> None:
        """Also called with each action that became unknown or was settled (built later than this: the
        withdrawal notices re-edit approval messages a killed copy left waiting with live buttons)."""
        self._followers.append(changed)

    async def _changed(self, action: Action) -> None:
        for changed in self._followers:
            await changed(action)

    def _admins(self) -> list[TeamMember]:
        return [member for member in self._team if member.role is Role.ADMIN]

    def _name(self, telegram_id: int) -> str:
        member = self._team.get(telegram_id)
        return member.name if member is not None else str(telegram_id)

    async def _send(self, to: TeamMember, render: Render, buttons: Buttons | None = None) -> None:
        # one recipient who cannot be reached (blocked the bot) does not keep the others uninformed
        try:
            if buttons is None:
                await self._notifier.notify(to, render, Kind.SYSTEM)
            else:  # sent at once: an admin settles from it, and every admin must see it now
                await self._notifier.send_now(to, render, buttons)
        except TelegramAPIError as exc:
            log.warning("could not tell %s about an unknown outcome: %s", to.name, exc)

    async def unknown(self, action: Action) -> None:
        member = self._name(action.member_id)
        for admin in self._admins():
            await self._send(admin, lambda _r: unknown_text(action, member))
        await self._changed(action)

    async def undecided(self, action: Action) -> None:
        for admin in self._admins():
            await self._send(admin, lambda _r: undecided_text(action), lambda: settle_keyboard(action))

    async def settled(self, action: Action, admin_id: int | None) -> None:
        by = None if admin_id is None else self._name(admin_id)
        told = {admin_id}  # the admin who settled it sees it on their own message
        for recipient in [self._team.get(action.member_id), *self._admins()]:
            if recipient is not None and recipient.telegram_id not in told:
                told.add(recipient.telegram_id)
                await self._send(recipient, lambda _r: settled_text(action, by))
        await self._changed(action)
