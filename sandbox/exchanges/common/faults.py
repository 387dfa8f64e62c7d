"""Fault injection: a plan of what goes wrong on which endpoint, applied by an aiohttp middleware.

Kinds: latency (delay, then answer normally), status (an error status and body), timeout (hang far longer
than any client waits; released on shutdown), malformed (truncated JSON or an HTML error page),
rate_limit (429 with Retry-After), drop (close the connection without an answer). A fault with
``after=True`` lets the handler run first (the write happened) and spoils only the answer. A fault with
``chance`` below 1 hits that share of the matching requests (the plan's ``rng`` draws; seed it to replay).
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from aiohttp import web

from sandbox.exchanges.common.endpoints import EndpointOf, endpoint_name, is_control

FaultKind = Literal["latency", "status", "timeout", "malformed", "rate_limit", "drop"]
KINDS: tuple[str, ...] = ("latency", "status", "timeout", "malformed", "rate_limit", "drop")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

HTML_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)
TRUNCATED_JSON = '{"success":1,"return":{"balance":{"btc":"0.0'


@dataclass
class Fault:
    """``seconds``: latency delay, timeout hang (default 60) or Retry-After (default 1).
    ``times``: how many requests it hits before clearing itself; None = until cleared.
    ``status``/``body``: override what is answered (default per kind).
    ``chance``: the share of matching requests it hits; a request it spares goes on to the next fault."""

    kind: FaultKind
    seconds: float | None = None
    status: int | None = None
    body: str | None = None
    content_type: str = "application/json"
    style: Literal["truncated", "html"] = "truncated"
    times: int | None = None
    after: bool = False
    chance: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {', '.join(KINDS)}")
        if not 0 < self.chance <= 1:
            raise ValueError("chance must be above 0 and at most 1")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        """From a control-route body: {"kind": ..., "seconds"?, "status"?, "body"?, "style"?, "times"?}."""
        allowed = {"kind", "seconds", "status", "body", "content_type", "style", "times", "after", "chance"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        fields = dict(data)
        for name in ("seconds", "chance"):
            if fields.get(name) is not None:
                fields[name] = float(fields[name])
        for name in ("status", "times"):
            if fields.get(name) is not None:
                fields[name] = int(fields[name])
        if "after" in fields:
            fields["after"] = bool(fields["after"])
        return cls(**fields)


class FaultPlan:
    """Faults by endpoint pattern (exact name or glob like ``trade*``); the first one added wins."""

    def __init__(self, seed: int | None = None) -> None:
        self._faults: list[tuple[str, Fault]] = []
        self.rng = random.Random(seed)
        self.injected: dict[str, int] = {}
        self._shutdown: asyncio.Event | None = None

    def add(self, endpoint: str, fault: Fault) -> None:
        self._faults.append((endpoint, fault))

    def clear(self, endpoint: str | None = None) -> None:
        self._faults = [(p, f) for p, f in self._faults if endpoint is not None and p != endpoint]

    def active(self) -> list[dict[str, Any]]:
        return [{"endpoint": pattern, **asdict(fault)} for pattern, fault in self._faults]

    def take(self, endpoint: str) -> Fault | None:
        """The fault for this request, if any, counting one use of it."""
        for index, (pattern, fault) in enumerate(self._faults):
            if pattern == endpoint or fnmatch.fnmatchcase(endpoint, pattern):
                if fault.chance < 1 and self.rng.random() >= fault.chance:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        del self._faults[index]
                self.injected[endpoint] = self.injected.get(endpoint, 0) + 1
                return fault
        return None

    async def sleep(self, seconds: float) -> None:
        """Sleep, but wake up at once when the server shuts down (a hung request must not hold it)."""
        if self._shutdown is None:
            self._shutdown = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._shutdown.wait(), timeout=seconds)

    def shutdown(self) -> None:
        if self._shutdown is None:
            self._shutdown = asyncio.Event()
        self._shutdown.set()

    async def on_shutdown(self, app: web.Application) -> None:
        self.shutdown()


def fault_middleware(plan: FaultPlan, endpoint_of: EndpointOf | None = None) -> Any:
    """Middleware applying ``plan``; control routes (``/_control/...``) are never faulted."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_control(request):
            return await handler(request)
        fault = plan.take(await endpoint_name(request, endpoint_of))
        if fault is None:
            return await handler(request)
        if fault.kind == "latency":
            await plan.sleep(fault.seconds if fault.seconds is not None else 1.0)
            return await handler(request)
        answer = await handler(request) if fault.after else None
        return await _spoil(plan, fault, request, answer)

    return middleware


async def _spoil(
    plan: FaultPlan, fault: Fault, request: web.Request, answer: web.StreamResponse | None
) -> web.StreamResponse:
    if fault.kind == "timeout":
        await plan.sleep(fault.seconds if fault.seconds is not None else 60.0)
        return web.Response(status=504, text="gateway timeout")
    if fault.kind == "drop":
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=499)  # never written: the connection is gone
    if fault.kind == "rate_limit":
        retry_after = fault.seconds if fault.seconds is not None else 1.0
        return web.Response(
            status=fault.status or 429,
            text=fault.body if fault.body is not None else '{"error":"Too many requests"}',
            content_type=fault.content_type,
            headers={"Retry-After": str(max(1, round(retry_after)))},
        )
    if fault.kind == "malformed":
        if fault.style == "html":
            return web.Response(
                status=fault.status or 502, text=fault.body or HTML_ERROR_PAGE, content_type="text/html"
            )
        text = fault.body or _truncated(answer)
        return web.Response(status=fault.status or 200, text=text, content_type="application/json")
    return web.Response(
        status=fault.status or 500,
        text=fault.body if fault.body is not None else '{"error":"Internal Server Error"}',
        content_type=fault.content_type,
    )


def _truncated(answer: web.StreamResponse | None) -> str:
    if isinstance(answer, web.Response) and answer.text:
        return answer.text[: max(1, len(answer.text) // 2)]
    return TRUNCATED_JSON
