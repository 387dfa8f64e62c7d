"""What the withdrawal and allowlist handlers need to tell other members (approval requests, edits of
every approval message, the requester's status). The bot process provides it (bot.withdrawals) as
workflow data ``withdrawal_notices``; handlers never send to other chats themselves."""

from __future__ import annotations

from typing import Protocol

from services.actions.records import Action
from services.team import TeamMember
from services.withdrawals.allowlist import Entry


class WithdrawalNotices(Protocol):
    async def ask_approvers(self, action: Action) -> None: ...

    async def update(self, action: Action) -> None: ...

    async def tell_requester(self, action: Action, message_id: int | None = None) -> None: ...

    async def ask_admins(self, entry: Entry, admins: list[TeamMember]) -> None: ...

    async def entry_decided(self, entry: Entry, decided_by: TeamMember, *, approved: bool) -> None: ...
