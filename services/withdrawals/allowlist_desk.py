"""/allowlist from chat: a member proposes an address, an admin other than the proposer approves it,
and it becomes usable after the configured delay. Every step is audited."""

from __future__ import annotations

import re

from services.accounts import AccountRegistry
from services.audit import AuditLog
from services.team import Role, TeamDirectory, TeamMember
from services.withdrawals.allowlist import AddressBook, AlreadyListed, Entry, EntryVote
from services.withdrawals.policy import WithdrawalPolicy
from services.withdrawals.request import check_address_format, check_asset_code

_LABEL = re.compile(r"[\w .,:/()+-]{0,40}")


class BadLabel(ValueError):
    pass


class AllowlistDesk:
    def __init__(
        self, accounts: AccountRegistry, policy: WithdrawalPolicy, audit: AuditLog, team: TeamDirectory
    ) -> None:
        self._accounts = accounts
        self._policy = policy
        self._book: AddressBook = policy.book
        self._audit = audit
        self._team = team

    @property
    def delay_s(self) -> float:
        return self._book.delay_s

    async def propose(self, member: TeamMember, account: str, asset: str, address: str, label: str) -> Entry:
        """A pending entry; raises UnknownAccount, WithdrawalRejected (asset, address), BadLabel or
        AlreadyListed with nothing stored."""
        self._accounts.get(account)
        asset = check_asset_code(asset)
        check_address_format(asset, None, address)
        if not _LABEL.fullmatch(label):
            raise BadLabel(label)
        rule = self._policy.rule(account, asset)
        if rule is not None and address in rule.addresses:
            raise AlreadyListed(address)
        entry = await self._book.propose(account, asset, address, label, member.telegram_id)
        await self._audit.record(member.telegram_id, "allowlist.add", _described(entry))
        return entry

    def admins(self, proposer_id: int) -> list[TeamMember]:
        """Who may approve an entry: admins other than the proposer."""
        return [m for m in self._team if m.can(Role.ADMIN) and m.telegram_id != proposer_id]

    async def get(self, entry_id: str) -> Entry | None:
        return await self._book.get(entry_id)

    async def approve(self, entry_id: str, admin: TeamMember) -> EntryVote:
        vote = await self._book.approve(entry_id, admin.telegram_id)
        await self._audit.record(
            admin.telegram_id, "allowlist.approve", {"entry": entry_id, "vote": vote.value}
        )
        return vote

    async def reject(self, entry_id: str, admin: TeamMember) -> Entry | None:
        """Removes a pending entry; None when it is gone or already approved."""
        entry = await self._book.get(entry_id)
        if entry is None or entry.state != "pending":
            return None
        removed = await self._book.remove(entry_id)
        await self._audit.record(admin.telegram_id, "allowlist.reject", _described(entry))
        return removed

    async def remove(self, admin: TeamMember, account: str, asset: str, address: str) -> Entry | None:
        entry = await self._book.find(account, asset.upper(), address)
        removed = await self._book.remove(entry.id) if entry is not None else None
        if removed is not None:
            await self._audit.record(admin.telegram_id, "allowlist.remove", _described(removed))
        return removed

    def pinned(self) -> list[tuple[str, str, str]]:
        """(account, asset, address) pinned in the config."""
        return sorted(
            (rule.account, rule.asset, address) for rule in self._policy.rules() for address in rule.addresses
        )

    async def entries(self) -> list[Entry]:
        return await self._book.entries()


def _described(entry: Entry) -> dict[str, str]:
    return {
        "entry": entry.id,
        "account": entry.account,
        "asset": entry.asset,
        "address": entry.address,
        "label": entry.label,
    }
