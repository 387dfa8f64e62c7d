"""The server side of rate limits: enforcing declared limits, and remembering every request seen.

Windows use real monotonic time (not the simulator's movable clock): they must agree with the client's
limiter, which also runs on real time.
"""

from __future__ import annotations

import fnmatch
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from sandbox.exchanges.common.endpoints import EndpointOf, endpoint_name, is_control


class DeclaredLimit(Protocol):
    """Anything with these fields, e.g. the client's ``services.exchanges.ratelimit.RateLimit``."""

    @property
    def key(self) -> str: ...
    @property
    def limit(self) -> int: ...
    @property
    def period(self) -> float: ...


@dataclass(frozen=True)
class ServerLimit:
    """At most ``limit`` requests per ``period`` s in a bucket; a key ending in ``*`` is a template
    (``trade:*`` -> one window per ``trade:<pair>``). ``penalty``: the bucket stays blocked this long
    after a rejection (Indodax blocks a pair for 5 s); requests refused during the block do not extend it."""

    key: str
    limit: int
    period: float
    penalty: float = 0.0

    def matches(self, bucket: str) -> bool:
        if self.key.endswith("*"):
            return bucket.startswith(self.key[:-1])
        return bucket == self.key

    @classmethod
    def of(cls, declared: DeclaredLimit, penalty: float = 0.0) -> ServerLimit:
        return cls(declared.key, declared.limit, declared.period, penalty)


class ServerRateLimiter:
    def __init__(
        self, limits: Iterable[DeclaredLimit] = (), now: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits: list[ServerLimit] = []
        self._now = now
        self._accepted: dict[tuple[str, str, str], deque[float]] = {}
        self._seen: dict[tuple[str, str, str], deque[float]] = {}
        self._blocked: dict[tuple[str, str], float] = {}
        self.max_in_window: dict[str, int] = {}
        """Per declared limit key: the most requests seen (accepted or not) in any one window."""
        self.max_by_bucket: dict[str, int] = {}
        self.rejected: dict[str, int] = {}
        for limit in limits:
            self.declare(limit)

    def declare(self, limit: DeclaredLimit, penalty: float | None = None) -> None:
        if isinstance(limit, ServerLimit):
            server = limit if penalty is None else ServerLimit(limit.key, limit.limit, limit.period, penalty)
        else:
            server = ServerLimit.of(limit, penalty or 0.0)
        self.limits.append(server)
        self.max_in_window.setdefault(server.key, 0)

    def check(self, buckets: Iterable[str], scope: str = "") -> float | None:
        """Count one request in ``buckets`` (per ``scope``: an API key, an IP); seconds to wait or None.

        Every request is counted for ``max_in_window``; only accepted ones use up the allowance.
        """
        now = self._now()
        buckets = list(buckets)
        wait = max((self._blocked.get((scope, b), 0.0) - now for b in buckets), default=0.0)
        checks = [(b, limit) for b in buckets for limit in self.limits if limit.matches(b)]
        over: list[tuple[str, ServerLimit]] = []
        for bucket, limit in checks:
            key = (scope, bucket, limit.key)
            seen = _window(self._seen.setdefault(key, deque()), now, limit.period)
            seen.append(now)
            self.max_in_window[limit.key] = max(self.max_in_window.get(limit.key, 0), len(seen))
            self.max_by_bucket[bucket] = max(self.max_by_bucket.get(bucket, 0), len(seen))
            accepted = _window(self._accepted.setdefault(key, deque()), now, limit.period)
            if len(accepted) >= limit.limit:
                wait = max(wait, accepted[0] + limit.period - now)
                over.append((bucket, limit))
        if wait <= 0:
            for bucket, limit in checks:
                self._accepted[(scope, bucket, limit.key)].append(now)
            return None
        for bucket in buckets:
            self.rejected[bucket] = self.rejected.get(bucket, 0) + 1
        for bucket, limit in over:  # a request refused during a block does not extend it
            if limit.penalty > 0:
                until = max(self._blocked.get((scope, bucket), 0.0), now + limit.penalty)
                self._blocked[(scope, bucket)] = until
                wait = max(wait, until - now)
        return wait

    def block(self, bucket: str, seconds: float, scope: str = "") -> None:
        self._blocked[(scope, bucket)] = self._now() + seconds

    def reset(self) -> None:
        self._accepted.clear()
        self._seen.clear()
        self._blocked.clear()
        self.rejected.clear()
        self.max_by_bucket.clear()
        self.max_in_window = dict.fromkeys(self.max_in_window, 0)

    def stats(self) -> dict[str, Any]:
        return {
            "max_in_window": dict(self.max_in_window),
            "max_by_bucket": dict(self.max_by_bucket),
            "rejected": dict(self.rejected),
            "limits": [
                {"key": lim.key, "limit": lim.limit, "period": lim.period, "penalty": lim.penalty}
                for lim in self.limits
            ],
        }


def _window(times: deque[float], now: float, period: float) -> deque[float]:
    while times and times[0] <= now - period:
        times.popleft()
    return times


@dataclass(frozen=True)
class SeenRequest:
    time: float
    endpoint: str
    scope: str | None
    write: bool


class RequestLog:
    """Every request a simulator received (control routes excepted), for tests to assert on."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self.requests: list[SeenRequest] = []

    def record(self, endpoint: str, scope: str | None = None, write: bool = False) -> None:
        self.requests.append(SeenRequest(self._now(), endpoint, scope, write))

    def select(
        self, endpoint: str | None = None, scope: str | None = None, write: bool | None = None
    ) -> list[SeenRequest]:
        """``endpoint`` may be a glob (``trade*``)."""
        return [
            r
            for r in self.requests
            if (endpoint is None or fnmatch.fnmatchcase(r.endpoint, endpoint))
            and (scope is None or r.scope == scope)
            and (write is None or r.write == write)
        ]

    def count(self, endpoint: str | None = None, scope: str | None = None, write: bool | None = None) -> int:
        return len(self.select(endpoint, scope, write))

    def per_endpoint(self, write: bool | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.select(write=write):
            counts[r.endpoint] = counts.get(r.endpoint, 0) + 1
        return counts

    def max_in_window(self, period: float, endpoint: str | None = None, scope: str | None = None) -> int:
        """The most matching requests seen within any ``period`` seconds (a sliding window)."""
        times = sorted(r.time for r in self.select(endpoint, scope))
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= period:
                start += 1
            best = max(best, end - start + 1)
        return best

    def reset(self) -> None:
        self.requests.clear()


ScopeOf = Callable[[web.Request], "str | None"]


def counting_middleware(
    log: RequestLog,
    endpoint_of: EndpointOf | None = None,
    *,
    scope_of: ScopeOf | None = None,
    writes: Collection[str] | Callable[[str], bool] = (),
) -> Any:
    """Record every request (endpoint, scope such as the API key header, whether it is a write)."""
    is_write = writes if callable(writes) else writes.__contains__

    @web.middleware
    async def middleware(request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        if not is_control(request):
            endpoint = await endpoint_name(request, endpoint_of)
            log.record(endpoint, scope_of(request) if scope_of else None, bool(is_write(endpoint)))
        response: web.StreamResponse = await handler(request)
        return response

    return middleware
