"""Time and ids for a simulated exchange: a clock tests can move, and ids that only grow."""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Iterator


class Clock:
    """Wall-clock seconds (epoch) that tests may freeze or move forward.

    Real time by default, so a simulator behaves like the real exchange under a real client; a test that
    wants a withdrawal to "take" ten minutes advances the clock instead of sleeping.
    """

    def __init__(self, frozen_at: float | None = None) -> None:
        self._frozen_at = frozen_at
        self._offset = 0.0

    @classmethod
    def fixed(cls, at: float = 1_700_000_000.0) -> Clock:
        return cls(frozen_at=at)

    def now(self) -> float:
        base = self._frozen_at if self._frozen_at is not None else time.time()
        return base + self._offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    @contextlib.contextmanager
    def pinned(self, at: float) -> Iterator[None]:
        """Read ``at`` inside the block (back-dated history), then carry on as before."""
        saved = self._frozen_at, self._offset
        self._frozen_at, self._offset = at, 0.0
        try:
            yield
        finally:
            self._frozen_at, self._offset = saved

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock never goes backwards")
        self._offset += seconds


class IdSource:
    """Unique, increasing integer ids, one sequence per kind (orders, trades, transfers, ...)."""

    def __init__(self, start: int = 1) -> None:
        self._start = start
        self._counters: dict[str, Iterator[int]] = {}

    def next(self, kind: str) -> int:
        counter = self._counters.setdefault(kind, itertools.count(self._start))
        return next(counter)

    def next_str(self, kind: str) -> str:
        return str(self.next(kind))
