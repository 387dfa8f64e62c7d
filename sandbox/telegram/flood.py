"""Telegram's flood limits for bots, as token buckets: per chat, per group per minute, overall."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float = -1.0
    updated: float = 0.0

    def refill(self, now: float) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity
        else:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class FloodSettings:
    per_chat_rate: float = 1.0
    per_chat_burst: int = 3
    global_rate: float = 30.0
    group_per_minute: int = 20


@dataclass
class FloodLimiter:
    enabled: bool = False
    settings: FloodSettings = field(default_factory=FloodSettings)
    clock: Callable[[], float] = time.monotonic
    _global: Bucket | None = None
    _chats: dict[int, Bucket] = field(default_factory=dict)
    _groups: dict[int, Bucket] = field(default_factory=dict)

    def configure(self, enabled: bool, **settings: float) -> None:
        self.enabled = enabled
        for name, value in settings.items():
            if value is not None and hasattr(self.settings, name):
                setattr(self.settings, name, type(getattr(self.settings, name))(value))
        self._global, self._chats, self._groups = None, {}, {}

    def acquire(self, chat_id: int, is_group: bool) -> int | None:
        """Take one send from every bucket that applies, or return the seconds to retry after."""
        if not self.enabled:
            return None
        s = self.settings
        if self._global is None:
            self._global = Bucket(s.global_rate, s.global_rate)
        buckets = [self._global, self._chats.setdefault(chat_id, Bucket(s.per_chat_rate, s.per_chat_burst))]
        if is_group:
            limit = s.group_per_minute
            buckets.append(self._groups.setdefault(chat_id, Bucket(limit / 60.0, limit)))
        now = self.clock()
        for bucket in buckets:
            bucket.refill(now)
        wait = max(bucket.wait_time() for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        return None
