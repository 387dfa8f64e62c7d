"""Execution exactly once, and what happens to a write whose outcome is unknown.

A confirmed action is moved to ``submitting`` (one atomic step: one caller wins, however many copies
press at once) and only then is the request sent. The send runs in its own task, shielded: neither the
member's handler being cancelled nor a shutdown cuts a write in half. While it runs, the sending copy
holds an in-flight lease in Redis; an action found in ``submitting`` without one was being sent by a
copy that died, and becomes ``unknown``. Nothing here ever sends an action a second time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges import errors
from services.leader import new_holder_id

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Executed:
    """What the exchange answered to a write it took."""

    exchange_id: str
    done: bool = False  # completed at once (a filled market order), else submitted
    result: Mapping[str, str] = field(default_factory=dict)


Send = Callable[[Action], Awaitable[Executed]]


@dataclass(frozen=True, slots=True)
class Outcome:
    action: Action | None
    executed_here: bool  # False: another press or copy had already taken it


class ActionEngine:
    def __init__(self, store: ActionStore, *, owner: str | None = None) -> None:
        self.store = store
        self.owner = owner or new_holder_id()

    async def execute(
        self, action_id: str, send: Send, ready: ActionState = ActionState.CONFIRMED
    ) -> Outcome:
        """Sends the action if it is in ``ready`` (confirmed; approved for a withdrawal), once."""
        if not await self.store.begin_submit(action_id, self.owner, ready):
            return Outcome(await self.store.get(action_id), executed_here=False)
        action = await self.store.get(action_id)
        assert action is not None  # begin_submit just moved it
        task = asyncio.create_task(self._send_and_record(action, send), name=f"action-{action_id}")
        # shielded: if our caller is cancelled the write still finishes and is recorded
        await asyncio.shield(task)
        return Outcome(await self.store.get(action_id), executed_here=True)

    async def _send_and_record(self, action: Action, send: Send) -> None:
        keeper = asyncio.create_task(self._keep_inflight(action.id))
        try:
            executed = await send(action)
        except errors.OutcomeUnknown as exc:
            await self._unknown(action, f"{type(exc).__name__}: {exc}")
        except errors.ExchangeError as exc:
            # any other exchange error is a definite "not executed" answer from the client
            await self.store.move(action.id, ActionState.FAILED, {"error": f"{exc.reason}: {exc}"})
        except Exception as exc:
            # a bug or an unexpected failure after the request may have left: never assume it failed
            log.exception("action %s: unexpected failure while sending", action.id)
            await self._unknown(action, f"unexpected {type(exc).__name__}")
        else:
            result = json.dumps(dict(executed.result), ensure_ascii=False)
            fields = {"exchange_id": executed.exchange_id, "result": result}
            to = ActionState.COMPLETED if executed.done else ActionState.SUBMITTED
            await self.store.move(action.id, to, fields)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            await self.store.end_inflight(action.id)

    async def _unknown(self, action: Action, reason: str) -> None:
        log.warning(
            "action %s (%s on %s) outcome unknown: %s", action.id, action.kind, action.account, reason
        )
        await self.store.move(action.id, ActionState.UNKNOWN, {"error": reason})

    async def _keep_inflight(self, action_id: str) -> None:
        while True:
            await asyncio.sleep(self.store.inflight_lease_s / 3)
            await self.store.keep_inflight(action_id, self.owner)

    async def orphans(self) -> list[Action]:
        """Actions left in ``submitting`` by a copy that died become ``unknown`` (never re-sent)."""
        found = []
        for action in await self.store.in_state(ActionState.SUBMITTING):
            if await self.store.orphan(action.id, "the bot stopped while sending"):
                found.append(await self.store.get(action.id))
        return [action for action in found if action is not None]

    async def abandoned(self) -> list[Action]:
        """Actions confirmed longer than an in-flight lease ago and never begun were left by a copy that
        died between the press and sending: nothing left the bot, so they fail (never sent later)."""
        cutoff = time.time() - self.store.inflight_lease_s
        failed = []
        for action in await self.store.in_state(ActionState.CONFIRMED):
            if action.updated_at < cutoff and await self.store.move(
                action.id,
                ActionState.FAILED,
                {"error": "the bot stopped before sending; nothing was sent"},
                only_from=[ActionState.CONFIRMED],
            ):
                failed.append(await self.store.get(action.id))
        return [action for action in failed if action is not None]
