"""The life of an action, and which transitions exist.

``pending`` (previewed, waiting for Confirm) -> ``confirmed`` -> ``submitting`` (the intent is written
before the request leaves) -> ``submitted`` (the exchange took it) -> ``completed``; or ``failed`` (the
exchange said no, definitely), ``cancelled`` (by the member before it left), ``expired`` (not confirmed
in time), ``unknown`` (the request may have reached the exchange and no definite answer came back).
An ``unknown`` action is never sent again: it is looked up and settled, or settled by an admin.

A withdrawal waits for teammates between Confirm and sending: ``confirmed`` -> ``awaiting_approval``
-> ``approved`` (enough distinct approvers) -> ``submitting``; or ``rejected`` by an approver,
``cancelled`` by its requester, ``expired`` when not approved in time.

A ``confirmed`` action whose copy died before the request left is ``failed`` (nothing was sent).
"""

from __future__ import annotations

from enum import StrEnum


class ActionState(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    UNKNOWN = "unknown"

    @property
    def final(self) -> bool:
        return self in FINAL


FINAL = frozenset(
    {
        ActionState.COMPLETED,
        ActionState.FAILED,
        ActionState.CANCELLED,
        ActionState.EXPIRED,
        ActionState.REJECTED,
    }
)

S = ActionState
#: every allowed move; anything else is refused by the store, atomically
TRANSITIONS: dict[ActionState, frozenset[ActionState]] = {
    S.PENDING: frozenset({S.CONFIRMED, S.CANCELLED, S.EXPIRED}),
    # rejected: by policy; failed: the copy holding it died before the request left (nothing was sent)
    S.CONFIRMED: frozenset({S.SUBMITTING, S.AWAITING_APPROVAL, S.REJECTED, S.FAILED}),
    S.AWAITING_APPROVAL: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED, S.EXPIRED}),
    S.APPROVED: frozenset({S.SUBMITTING, S.EXPIRED}),  # expired: left unsent past its deadline
    S.SUBMITTING: frozenset({S.SUBMITTED, S.COMPLETED, S.FAILED, S.UNKNOWN}),
    S.SUBMITTED: frozenset({S.COMPLETED, S.FAILED}),
    S.UNKNOWN: frozenset({S.SUBMITTED, S.COMPLETED, S.FAILED}),
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
    S.REJECTED: frozenset(),
}


def sources_of(target: ActionState) -> frozenset[ActionState]:
    """The states an action may be in to move to ``target``."""
    return frozenset(state for state, targets in TRANSITIONS.items() if target in targets)
