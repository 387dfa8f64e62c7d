"""One time budget for exchange requests, built from ``[exchanges] request_timeout_s``.

Each attempt on the wire gets at most ``attempt_s``; a read with its retries (and any further reads one
answer needs) fits in ``total_s``, counted from when the caller opens a ``deadline``. A write gets one
attempt of ``attempt_s`` and is never cut short by the deadline: once sent, its answer is awaited.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

#: the one default of ``[exchanges] request_timeout_s``
DEFAULT_REQUEST_TIMEOUT_S = 10.0

# after one attempt that hung to its end, a retried read still gets its backoff and a full attempt
_TOTAL_PER_ATTEMPT = 2.5

_deadline: ContextVar[float | None] = ContextVar("exchange_deadline", default=None)


@dataclass(frozen=True)
class TimeBudget:
    attempt_s: float = DEFAULT_REQUEST_TIMEOUT_S

    def __post_init__(self) -> None:
        if not self.attempt_s > 0:
            raise ValueError("attempt_s must be positive")

    @property
    def total_s(self) -> float:
        return self.attempt_s * _TOTAL_PER_ATTEMPT

    @contextmanager
    def deadline(self) -> Iterator[None]:
        """Reads inside share one total deadline (the earlier one, if a deadline is already open)."""
        ends = time.monotonic() + self.total_s
        current = _deadline.get()
        token = _deadline.set(ends if current is None else min(current, ends))
        try:
            yield
        finally:
            _deadline.reset(token)

    def attempt_timeout(self, *, write: bool) -> float:
        """How long the next attempt may take: a read gets what is left of the total, never more than
        one attempt; a write always gets its full attempt (it is never cancelled mid-flight)."""
        if write:
            return self.attempt_s
        ends = _deadline.get()
        if ends is None:
            return self.attempt_s
        return min(self.attempt_s, ends - time.monotonic())


def remaining() -> float | None:
    """Seconds left before the open deadline, or None when none is open."""
    ends = _deadline.get()
    return None if ends is None else ends - time.monotonic()
