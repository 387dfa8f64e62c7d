"""What a lookup at the exchange found for an action whose outcome is unknown, whatever its kind.

Each kind (order, cancel, bid, bid_cancel, withdrawal) has its finder; the reconciler settles the action
from the answer: taken -> ``submitted`` (or ``completed`` for a write that is final once taken), proven
not taken -> ``failed``, unsure -> left ``unknown`` with candidates for an admin, too early -> asked again
next round. Nothing here ever sends anything.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges.models import Order

#: a candidate with this field set to "1" is final once an admin picks it (a cancel that happened)
DONE = "done"


class Verdict(StrEnum):
    PLACED = "placed"
    NOT_PLACED = "not_placed"  # only where the exchange's answer proves it
    UNSURE = "unsure"  # for an admin to settle
    WAIT = "wait"  # too early to tell: ask again next round


@dataclass(frozen=True, slots=True)
class Lookup:
    verdict: Verdict
    order: Order | None = None  # an order found placed
    candidates: tuple[Mapping[str, str], ...] = ()  # when unsure: what an admin may choose from
    exchange_id: str = ""  # when placed: the exchange's id of what was found
    result: Mapping[str, str] = field(default_factory=dict)  # when placed: its facts (status, ...)
    done: bool = False  # placed and already final: completed rather than submitted
    reason: str = ""  # when not placed: what the exchange showed


class Finder(Protocol):
    async def find(self, action: Action) -> Lookup:
        """Raises an exchange error when the exchange cannot be asked now (the next round asks again)."""


def too_early(action: Action, not_found_after_s: float) -> bool:
    """A "not there" is believed only once the request cannot still be on its way."""
    return time.time() - action.updated_at < not_found_after_s


async def claimed(
    store: ActionStore, action: Action, since: float, states: tuple[ActionState, ...], *, any_kind: bool
) -> set[str]:
    """Exchange ids that other actions on this account (of the same kind, unless ``any_kind``) that
    entered one of ``states`` since ``since`` recorded as theirs."""
    found: set[str] = set()
    for state in states:
        for other in await store.in_state_since(state, since):
            if (
                (any_kind or other.kind == action.kind)
                and other.account == action.account
                and other.id != action.id
                and other.exchange_id
            ):
                found.add(other.exchange_id)
    return found
