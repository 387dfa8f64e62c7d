"""The withdrawal desk: preview, confirm, approvals by other members, execution exactly once.

preview -> Confirm (the requester) -> awaiting approval (the policy's 24-hour usage is reserved) ->
``approvals_required`` distinct approvers other than the requester -> approved -> sent once through
the action engine with the exchange's idempotency key where it has one. Every step is audited.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from services.accounts import AccountRegistry
from services.actions.engine import ActionEngine, Executed, Outcome
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore, Decision, Vote
from services.audit import AuditLog
from services.exchanges.capabilities import Capability
from services.exchanges.models import TransferStatus
from services.team import Role, TeamDirectory, TeamMember
from services.withdrawals.policy import PolicyRefused, WithdrawalPolicy
from services.withdrawals.request import (
    WithdrawalPreview,
    WithdrawalProblem,
    WithdrawalRejected,
    WithdrawalRequest,
    check_address_format,
    check_asset_code,
    check_withdrawal,
    normalized,
)
from services.withdrawals.requests import WithdrawalRequests
from services.withdrawals.terms import fetch_terms, memo_required

WITHDRAWAL = "withdrawal"
# a request ends without leaving in these states: it stops counting against the 24-hour limit
_RELEASED = frozenset({ActionState.REJECTED, ActionState.CANCELLED, ActionState.EXPIRED, ActionState.FAILED})


class GateAnswer(StrEnum):
    PASS = "pass"
    CODE_NEEDED = "code_needed"  # a step-up code must come with this approval
    CODE_WRONG = "code_wrong"
    CODE_LOCKED = "code_locked"  # this wrong code locked the approver's approvals (admins to be told)
    LOCKED = "locked"  # the approver's approvals are locked after wrong codes
    NOT_ENROLLED = "not_enrolled"  # a code is needed and the approver has none (/2fa)


class ApprovalGate(Protocol):
    """Decides whether an approval counts before the quorum step sees it (the step-up code hook)."""

    async def check(self, action: Action, approver: TeamMember, code: str | None) -> GateAnswer: ...


class NoStepUp:
    """Every approval counts as pressed (until step-up codes come)."""

    async def check(self, action: Action, approver: TeamMember, code: str | None) -> GateAnswer:
        return GateAnswer.PASS


@dataclass(frozen=True, slots=True)
class Routes:
    networks: list[str]  # empty: the exchange picks one itself
    memo: bool  # a memo (tag) must come with the address


@dataclass(frozen=True, slots=True)
class Previewed:
    preview: WithdrawalPreview
    action_id: str
    token: str


@dataclass(frozen=True, slots=True)
class Confirmed:
    decision: Decision
    action: Action | None
    refused: PolicyRefused | None = None  # confirmed, but the policy no longer allows it


@dataclass(frozen=True, slots=True)
class Voted:
    vote: Vote | GateAnswer
    action: Action | None
    outcome: Outcome | None = None  # when this approval completed the quorum and it was sent


class WithdrawalDesk:
    def __init__(
        self,
        accounts: AccountRegistry,
        store: ActionStore,
        engine: ActionEngine,
        audit: AuditLog,
        policy: WithdrawalPolicy,
        team: TeamDirectory,
        requests: WithdrawalRequests,
        *,
        approvals_required: int,
        approval_timeout_s: float,
        confirm_ttl_s: float,
        gate: ApprovalGate | None = None,
    ) -> None:
        self._accounts = accounts
        self._store = store
        self._engine = engine
        self._audit = audit
        self.policy = policy
        self._team = team
        self._requests = requests
        self.approvals_required = approvals_required
        self._approval_timeout_s = approval_timeout_s
        self._confirm_ttl_s = confirm_ttl_s
        self._gate: ApprovalGate = gate or NoStepUp()

    # -- the choices of the guided /withdraw ---------------------------------------------------------

    def withdrawal_accounts(self) -> list[str]:
        return [a.name for a in self._accounts if a.client.has(Capability.WITHDRAW)]

    async def assets(self, account: str) -> list[str]:
        """The assets the account holds free, sorted."""
        balances = await self._accounts.get(account).client.fetch_balance()
        return sorted(asset for asset, balance in balances.assets.items() if balance.free > 0)

    async def asset(self, account: str, text: str) -> str:
        """The asset as typed, if the account holds some free; WithdrawalRejected otherwise."""
        asset = check_asset_code(text)
        if asset not in await self.assets(account):
            raise WithdrawalRejected(WithdrawalProblem.UNKNOWN_ASSET, asset=asset)
        return asset

    async def routes(self, account: str, asset: str) -> Routes:
        """How the asset may leave the account: the networks offered, whether a memo is needed."""
        terms = await fetch_terms(self._accounts.get(account).client, asset, None)
        return Routes(terms.networks, memo_required(asset, terms))

    async def usable_addresses(self, account: str, asset: str) -> list[tuple[str, str]]:
        """(address, label) of the allowlist's addresses usable now."""
        return await self.policy.usable_addresses(account, asset)

    async def check_address(
        self, member_id: int, account: str, asset: str, network: str | None, address: str
    ) -> None:
        """An address typed in the guided flow gets the checks of the one-line command at once:
        WithdrawalRejected (format) or PolicyRefused (allowlist; audited like any policy refusal)."""
        check_address_format(asset, network, address)
        try:
            await self.policy.check_address(account, asset, address)
        except PolicyRefused as refused:
            details = {
                "account": account,
                "asset": asset,
                "address": address,
                "problem": refused.problem.value,
            }
            await self._audit.record(member_id, "withdrawal.refused", details)
            raise

    # -- the request ---------------------------------------------------------------------------------

    async def preview(self, member_id: int, chat_id: int, request: WithdrawalRequest) -> Previewed:
        """Checks everything before the preview; raises WithdrawalRejected, PolicyRefused or an
        exchange error with nothing created, sent or shown to an approver."""
        client = self._accounts.get(request.account).client
        request = normalized(request)
        try:
            await self.policy.check(request.account, request.asset, request.amount, request.address)
        except PolicyRefused as refused:
            await self._refused(member_id, request, refused)
            raise
        preview = await check_withdrawal(client, request)
        action, token = await self._store.create(
            kind=WITHDRAWAL,
            member_id=member_id,
            chat_id=chat_id,
            account=request.account,
            params=preview.params(),
            ttl_s=self._confirm_ttl_s,
            # Indodax's request_id: alphanumeric; kept on the record for any other exchange
            idempotency_key=uuid.uuid4().hex[:20],
        )
        await self._audit.record(member_id, "withdrawal.request", {"action": action.id, **_described(action)})
        return Previewed(preview, action.id, token)

    async def _refused(self, member_id: int, request: WithdrawalRequest, refused: PolicyRefused) -> None:
        details = {
            "account": request.account,
            "asset": request.asset,
            "amount": format(request.amount, "f"),
            "address": request.address,
            "problem": refused.problem.value,
        }
        await self._audit.record(member_id, "withdrawal.refused", details)

    async def decide(self, token: str, presser_id: int, chat_id: int, *, confirm: bool) -> Confirmed:
        """The requester's Confirm or Cancel of the preview. Confirmed, it reserves its share of the
        24-hour limit and awaits approval until the approval deadline."""
        action = await self._store.token_action(token)
        if action is None or action.kind != WITHDRAWAL:  # another kind's token never decides here
            return Confirmed(Decision.EXPIRED, None)
        decision = await self._store.decide(token, presser_id=presser_id, chat_id=chat_id, confirm=confirm)
        kind = "withdrawal.confirm" if confirm else "withdrawal.cancel"
        await self._audit.record(presser_id, kind, {"action": action.id, "decision": decision.value})
        if decision is not Decision.OK or not confirm:
            return Confirmed(decision, await self._store.get(action.id))
        await self._requests.add(action.id)
        params = action.params
        try:
            await self.policy.reserve(
                action.id, action.account, params["asset"], Decimal(params["amount"]), params["address"]
            )
        except PolicyRefused as refused:
            await self._store.move(action.id, ActionState.REJECTED, {"error": f"policy: {refused.problem}"})
            await self._refused(presser_id, _request_of(action), refused)
            return Confirmed(decision, await self._store.get(action.id), refused)
        deadline = repr(time.time() + self._approval_timeout_s)
        await self._store.move(action.id, ActionState.AWAITING_APPROVAL, {"expires": deadline})
        return Confirmed(decision, await self._store.get(action.id))

    # -- approvals -----------------------------------------------------------------------------------

    def approvers(self, requester_id: int) -> list[TeamMember]:
        """Who may approve a request: approvers and admins, never the requester."""
        return [m for m in self._team if m.can(Role.APPROVER) and m.telegram_id != requester_id]

    async def get(self, action_id: str) -> Action | None:
        action = await self._store.get(action_id)
        return action if action is not None and action.kind == WITHDRAWAL else None

    async def approved_by(self, action_id: str) -> list[TeamMember]:
        found = [self._team.get(i) for i in sorted(await self._store.approvers(action_id))]
        return [m for m in found if m is not None]

    async def approve(self, action_id: str, approver: TeamMember, code: str | None = None) -> Voted:
        """One approval; counted atomically (requester, non-approvers, duplicates, decided or expired
        requests change nothing). The approval that completes the quorum sends the withdrawal."""
        action = await self.get(action_id)
        if action is None:
            return Voted(Vote.GONE, None)
        if await self._may_count(action, approver):
            gate = await self._gate.check(action, approver, code)
            if gate is not GateAnswer.PASS:
                await self._vote_audit(approver, action, gate.value)
                return Voted(gate, action)
        vote = await self._store.approve(
            action_id,
            approver.telegram_id,
            eligible=self._eligible(action),
            required=self.approvals_required,
        )
        await self._vote_audit(approver, action, vote.value)
        await self._settled(action, vote)
        if vote is not Vote.APPROVED:
            return Voted(vote, await self._store.get(action_id))
        outcome = await self.execute(action_id, approver.telegram_id)
        return Voted(vote, outcome.action, outcome)

    async def reject(self, action_id: str, approver: TeamMember, reason: str) -> Voted:
        action = await self.get(action_id)
        if action is None:
            return Voted(Vote.GONE, None)
        vote = await self._store.reject(
            action_id, approver.telegram_id, reason, eligible=self._eligible(action)
        )
        details = {"action": action.id, "vote": vote.value, "reason": reason}
        await self._audit.record(approver.telegram_id, "withdrawal.reject", details)
        await self._settled(action, vote)
        return Voted(vote, await self._store.get(action_id))

    async def cancel(self, action_id: str, presser_id: int) -> Action | None:
        """The requester withdraws their request while it awaits approval; None if it could not be."""
        action = await self.get(action_id)
        if action is None or action.member_id != presser_id:
            return None
        moved = await self._store.move(
            action_id, ActionState.CANCELLED, only_from=[ActionState.AWAITING_APPROVAL]
        )
        await self._audit.record(presser_id, "withdrawal.cancel", {"action": action_id, "done": str(moved)})
        if not moved:
            return None
        await self.release(action)
        return await self._store.get(action_id)

    async def _may_count(self, action: Action, approver: TeamMember) -> bool:
        """Whether the press could count; only such a press is asked for a code (the requester's own,
        a repeated or a late one is refused as it is)."""
        return (
            action.state is ActionState.AWAITING_APPROVAL
            and action.expires_at > time.time()
            and approver.telegram_id in self._eligible(action)
            and approver.telegram_id not in await self._store.approvers(action.id)
        )

    def _eligible(self, action: Action) -> Sequence[int]:
        return [m.telegram_id for m in self.approvers(action.member_id)]

    async def _vote_audit(self, approver: TeamMember, action: Action, vote: str) -> None:
        await self._audit.record(
            approver.telegram_id, "withdrawal.approve", {"action": action.id, "vote": vote}
        )

    async def _settled(self, action: Action, vote: Vote) -> None:
        if vote in (Vote.REJECTED, Vote.EXPIRED):
            await self.release(action)

    async def release(self, action: Action) -> None:
        """The request stops counting against its 24-hour limit (it ended without leaving)."""
        await self.policy.release(action.id, action.account, action.params["asset"])

    async def expire_overdue(self) -> list[Action]:
        """Requests not approved in time expire (never to be sent); their usage is released."""
        expired = await self._store.expire_overdue(ActionState.AWAITING_APPROVAL)
        for action in expired:
            await self.release(action)
            await self._audit.record(action.member_id, "withdrawal.expired", {"action": action.id})
        return [a for a in expired if a.kind == WITHDRAWAL]

    async def resume_approved(self, older_than_s: float) -> list[Action]:
        """Approved requests left unsent (the copy that completed the quorum stopped before sending)
        are sent now, still exactly once; past their approval deadline they expire instead."""
        moved = []
        for action in await self._store.in_state(ActionState.APPROVED):
            if action.kind != WITHDRAWAL or action.updated_at > time.time() - older_than_s:
                continue
            if action.expires_at <= time.time():
                if await self._store.move(action.id, ActionState.EXPIRED, only_from=[ActionState.APPROVED]):
                    await self.release(action)
                    await self._audit.record(action.member_id, "withdrawal.expired", {"action": action.id})
                    moved.append(await self._store.get(action.id))
                continue
            outcome = await self.execute(action.id, action.member_id)
            if outcome.executed_here:
                moved.append(outcome.action)
        return [action for action in moved if action is not None]

    # -- execution -----------------------------------------------------------------------------------

    async def execute(self, action_id: str, approver_id: int) -> Outcome:
        outcome = await self._engine.execute(action_id, self._send, ready=ActionState.APPROVED)
        if outcome.executed_here and outcome.action is not None:
            done = outcome.action
            if done.state in _RELEASED:
                await self.release(done)
            details = {
                "action": done.id,
                "state": done.state.value,
                "withdrawal_id": done.exchange_id,
                "error": done.error,
            }
            await self._audit.record(approver_id, "withdrawal.result", details)
        return outcome

    async def _send(self, action: Action) -> Executed:
        client = self._accounts.get(action.account).client
        params = action.params
        sent = await client.withdraw(
            params["asset"],
            Decimal(params["amount"]),
            params["address"],
            memo=params.get("memo"),
            network=params.get("network"),
            request_id=action.idempotency_key if params.get("idempotent") == "1" else None,
        )
        facts = {"status": sent.status.value, "txid": sent.txid or ""}
        return Executed(exchange_id=sent.id, done=sent.status is TransferStatus.OK, result=facts)


def _request_of(action: Action) -> WithdrawalRequest:
    p = action.params
    return WithdrawalRequest(action.account, p["asset"], Decimal(p["amount"]), p["address"])


def _described(action: Action) -> dict[str, str]:
    return {"account": action.account, **action.params}
