"""Reconciliation of actions whose outcome is unknown: never sent again, looked up and settled.

An action becomes ``unknown`` when the exchange gave no definite answer (OutcomeUnknown) or when the copy
sending it died (found in ``submitting`` without an in-flight lease). Admins are told at once, with the
parameters. It is then looked up by the finder of its kind (orders and cancels: services.orders.lookup;
bids: services.bids; withdrawals: services.withdrawals.lookup): found -> ``submitted`` (``completed``
for a write final once taken, a cancel), proven not taken -> ``failed``, otherwise it stays ``unknown``
and admins get the candidates with Settle buttons. Each
settlement is one atomic move out of ``unknown`` (so a lookup and an admin's press never both settle it),
audited, and told to the member.

Runs at start-up and every ``interval_s`` in the copy that leads (a LeaderJob), and at once in the copy
whose member got the unclear answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from services.actions.engine import ActionEngine
from services.actions.lookup import DONE, Finder, Lookup, Verdict
from services.actions.records import Action, candidates_text
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.audit import AuditLog
from services.exchanges import errors
from services.orders.desk import ORDER

#: told when an action ends ``failed``: what it held is released (a withdrawal's share of the day's limit)
OnFailed = Callable[[Action], Awaitable[None]]

log = logging.getLogger(__name__)

# who acts in the audit log when the bot itself settles an action
BOT_ACTOR = 0


class UnknownAlerts(Protocol):
    """Who is told what (implemented by the bot, which knows the team and Telegram)."""

    async def unknown(self, action: Action) -> None:
        """An action became unknown: the admins, at once, with its parameters."""

    async def undecided(self, action: Action) -> None:
        """A lookup could not settle it: the admins, with the candidates and Settle buttons."""

    async def settled(self, action: Action, admin_id: int | None) -> None:
        """Settled (by a lookup, or by ``admin_id``): the member and the admins."""


class LoggedAlerts:
    """For an assembly without a chat to tell (tests, tools): the log says it."""

    async def unknown(self, action: Action) -> None:
        log.warning("action %s: outcome unknown (%s)", action.id, action.error)

    async def undecided(self, action: Action) -> None:
        log.warning("action %s: left for an admin, %d candidate(s)", action.id, len(action.candidates or ()))

    async def settled(self, action: Action, admin_id: int | None) -> None:
        log.info("action %s settled as %s by %s", action.id, action.state.value, admin_id or "the bot")


class Settled(StrEnum):
    """What an admin's Settle press did."""

    PLACED = "placed"
    NOT_PLACED = "not_placed"
    DECIDED = "decided"  # no longer unknown (a lookup or another admin settled it first)
    STALE = "stale"  # the candidate pressed is not among the action's candidates


@dataclass(frozen=True, slots=True)
class Settlement:
    result: Settled
    action: Action | None


class Reconciler:
    name = "reconcile"

    def __init__(
        self,
        store: ActionStore,
        engine: ActionEngine,
        lookup: Finder,
        audit: AuditLog,
        alerts: UnknownAlerts,
        *,
        interval_s: float,
        finders: Mapping[str, Finder] | None = None,
        on_failed: Mapping[str, OnFailed] | None = None,
    ) -> None:
        self._store = store
        self._engine = engine
        # the finder of each kind; ``lookup`` finds orders
        self._finders: dict[str, Finder] = {ORDER: lookup, **(finders or {})}
        self._on_failed = dict(on_failed or {})
        self._audit = audit
        self._alerts = alerts
        self.interval_s = interval_s
        self._loop: asyncio.Task[None] | None = None

    # -- as a LeaderJob: at start-up, then every interval -----------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="reconcile")

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("reconciliation round failed; the next one tries again")
            await asyncio.sleep(self.interval_s)

    async def run_once(self) -> list[Action]:
        """One round: orphans become unknown (admins told), abandoned confirms fail, overdue previews
        expire, and every unknown order is looked up. Returns those still unknown."""
        for action in await self._engine.orphans():
            await self._audit.record(BOT_ACTOR, f"{action.kind}.unknown", _details(action))
            await self._alerts.unknown(action)
        for action in await self._engine.abandoned():
            await self._audit.record(BOT_ACTOR, f"{action.kind}.result", _details(action))
            await self._failed(action)
            await self._alerts.settled(action, None)
        await self._store.expire_overdue()
        left = []
        for action in await self._store.in_state(ActionState.UNKNOWN):
            checked = await self.check(action)
            if checked is not None and checked.state is ActionState.UNKNOWN:
                left.append(checked)
        return left

    # -- one action --------------------------------------------------------------------------------

    async def outcome_unknown(self, action: Action) -> Action | None:
        """The member's own send got no definite answer: admins told, and a lookup at once."""
        await self._alerts.unknown(action)
        return await self.check(action)

    async def check(self, action: Action) -> Action | None:
        finder = self._finders.get(action.kind)
        if finder is None:
            return action  # a kind without a lookup is settled by an admin
        try:
            found = await finder.find(action)
        except errors.ExchangeError as exc:
            log.warning("action %s: lookup failed (%s); tried again next round", action.id, exc)
            return action
        return await self._apply(action, found)

    async def _apply(self, action: Action, found: Lookup) -> Action | None:
        if found.verdict is Verdict.PLACED:
            fields = {"exchange_id": found.exchange_id, "result": json.dumps(dict(found.result))}
            to = ActionState.COMPLETED if found.done else ActionState.SUBMITTED
            return await self._settle(action, to, fields, None)
        if found.verdict is Verdict.NOT_PLACED:
            fields = {"error": found.reason or "the exchange does not have it"}
            return await self._settle(action, ActionState.FAILED, fields, None)
        if found.verdict is Verdict.UNSURE:
            merged = _merge(action.candidates, found.candidates)
            # admins are asked once, and again only when the candidates change
            if merged != action.candidates and await self._store.note(
                action.id, ActionState.UNKNOWN, {"candidates": candidates_text(merged)}
            ):
                noted = await self._store.get(action.id)
                if noted is not None:
                    await self._alerts.undecided(noted)
                return noted
        return action

    async def _settle(
        self, action: Action, to: ActionState, fields: dict[str, str], admin_id: int | None
    ) -> Action | None:
        """The one move out of ``unknown``; None when someone settled it first."""
        if not await self._store.move(action.id, to, fields, only_from=[ActionState.UNKNOWN]):
            return None
        settled = await self._store.get(action.id)
        if settled is not None:
            if to is ActionState.FAILED:
                await self._failed(settled)
            details = {**_details(settled), "settled_by": "bot" if admin_id is None else str(admin_id)}
            await self._audit.record(admin_id or BOT_ACTOR, f"{action.kind}.settle", details)
            await self._alerts.settled(settled, admin_id)
        return settled

    async def _failed(self, action: Action) -> None:
        hook = self._on_failed.get(action.kind)
        if hook is not None:
            await hook(action)

    async def settle(self, action_id: str, admin_id: int, pick: int | None) -> Settlement:
        """An admin's choice: candidate number ``pick`` is the order, or (None) it was not placed."""
        action = await self._store.get(action_id)
        if action is None or action.state is not ActionState.UNKNOWN:
            return Settlement(Settled.DECIDED, action)
        if pick is None:
            fields = {"error": "settled by an admin: not placed"}
            done = await self._settle(action, ActionState.FAILED, fields, admin_id)
            return Settlement(Settled.NOT_PLACED, done) if done else await self._decided(action_id)
        candidates = action.candidates or ()
        if not 0 <= pick < len(candidates):
            return Settlement(Settled.STALE, action)
        chosen = candidates[pick]
        result = {k: chosen[k] for k in ("status", "filled") if k in chosen}
        fields = {"exchange_id": chosen["id"], "result": json.dumps(result)}
        to = ActionState.COMPLETED if chosen.get(DONE) == "1" else ActionState.SUBMITTED
        done = await self._settle(action, to, fields, admin_id)
        return Settlement(Settled.PLACED, done) if done else await self._decided(action_id)

    async def _decided(self, action_id: str) -> Settlement:
        return Settlement(Settled.DECIDED, await self._store.get(action_id))


def _merge(
    known: tuple[Mapping[str, str], ...] | None, found: tuple[Mapping[str, str], ...]
) -> tuple[Mapping[str, str], ...]:
    """Candidates keep their places (the buttons already sent point at them by number); a fresh
    lookup refreshes their details and appends new ones."""
    fresh = {c["id"]: c for c in found}
    kept = [fresh.pop(c["id"], c) for c in known or ()]
    return (*kept, *fresh.values())


def _details(action: Action) -> dict[str, str]:
    return {
        "action": action.id,
        "account": action.account,
        **action.params,
        "state": action.state.value,
        "exchange_id": action.exchange_id,
        "error": action.error,
    }
