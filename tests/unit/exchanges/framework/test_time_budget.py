"""One time budget: reads retry within the total; a write in flight is neither cut short nor re-sent, and a
caller that stops waiting learns that its outcome is unknown. Runs against a small real HTTP server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from services.accounts import Account, across
from services.exchanges import errors
from services.exchanges.budget import TimeBudget
from services.exchanges.ratelimit import MemoryRateLimiter
from services.exchanges.transport import Request, RetryPolicy, Transport

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)


@dataclass
class Server:
    """Answers each path from a script: "hang" (longer than any attempt), a status, or "ok" after a delay."""

    script: dict[str, list[str]] = field(default_factory=dict)
    delay: float = 0.0
    seen: dict[str, int] = field(default_factory=dict)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        name = request.path.strip("/")
        self.seen[name] = self.seen.get(name, 0) + 1
        self.arrived.set()
        steps = self.script.get(name, [])
        step = steps.pop(0) if steps else "ok"
        if step == "hang":
            await asyncio.sleep(30)
        if step.isdigit():
            return web.Response(status=int(step), text="<html>502 Bad Gateway</html>")
        await asyncio.sleep(self.delay)
        return web.json_response({"ok": True})


@pytest.fixture
async def server() -> AsyncIterator[tuple[Server, str]]:
    state = Server()
    app = web.Application()
    app.router.add_route("*", "/{name}", state.handle)
    test_server = TestServer(app)
    await test_server.start_server()
    try:
        yield state, str(test_server.make_url("")).rstrip("/")
    finally:
        await test_server.close()


def transport(base_url: str, budget: TimeBudget) -> Transport:
    return Transport(
        "example", base_url, limiter=MemoryRateLimiter([]), budget=budget, retry=FAST_RETRY, account="main"
    )


def read(name: str = "ticker") -> Request:
    return Request("GET", f"/{name}", name)


def write(name: str = "order_create") -> Request:
    return Request("POST", f"/{name}", name, form=[("pair", "BTC_USDT")], write=True)


def account() -> Account:
    return Account("main", "example", client=None)  # type: ignore[arg-type]  # the calls use a transport


async def test_a_read_gets_its_third_attempt_within_the_total(server: tuple[Server, str]) -> None:
    state, url = server
    state.script["ticker"] = ["hang", "hang"]  # two attempts run to their end; the third answers
    budget = TimeBudget(1.0)
    t = transport(url, budget)
    try:
        [result] = await across([account()], lambda _: t.request(read()), budget=budget)
    finally:
        await t.close()
    assert result.value == {"ok": True}
    assert state.seen["ticker"] == 3


async def test_a_write_started_late_in_the_budget_still_gets_its_answer(server: tuple[Server, str]) -> None:
    state, url = server
    state.delay = 0.2
    budget = TimeBudget(0.5)
    t = transport(url, budget)

    async def read_then_write(_: Account) -> object:
        await asyncio.sleep(budget.total_s)  # the reads before it spent the whole total
        return await t.request(write())

    try:
        [result] = await across([account()], read_then_write, budget=budget)
    finally:
        await t.close()
    assert result.error is None
    assert result.value == {"ok": True}
    assert state.seen["order_create"] == 1


class LineSeen(logging.Handler):
    def __init__(self, words: str) -> None:
        super().__init__(logging.WARNING)
        self.words = words
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.seen.set()


async def test_a_caller_that_stops_waiting_learns_the_write_outcome_is_unknown(
    server: tuple[Server, str],
) -> None:
    state, url = server
    state.delay = 0.3
    t = transport(url, TimeBudget(5))
    logged = LineSeen("status=200")
    logging.getLogger("services.exchanges").addHandler(logged)
    try:
        sending = asyncio.create_task(t.request(write()))
        await state.arrived.wait()
        sending.cancel()
        with pytest.raises(errors.OutcomeUnknown):
            await sending
        # the request was not cut: the exchange answered it and the answer is logged for operators
        async with asyncio.timeout(5):
            await logged.seen.wait()
    finally:
        logging.getLogger("services.exchanges").removeHandler(logged)
        await t.close()
    assert state.seen["order_create"] == 1


async def test_a_read_past_the_total_is_not_sent(server: tuple[Server, str]) -> None:
    state, url = server
    budget = TimeBudget(0.2)
    t = transport(url, budget)

    async def late_read(_: Account) -> object:
        await asyncio.sleep(budget.total_s)
        return await t.request(read())

    try:
        [result] = await across([account()], late_read, budget=budget)
    finally:
        await t.close()
    assert isinstance(result.error, errors.RequestTimeout)
    assert "ticker" not in state.seen


async def test_each_failed_request_logs_one_warning_line(
    server: tuple[Server, str], caplog: pytest.LogCaptureFixture
) -> None:
    state, url = server
    state.script["order_create"] = ["502"]
    t = transport(url, TimeBudget(2))
    try:
        with (
            caplog.at_level(logging.WARNING, logger="services.exchanges"),
            pytest.raises(errors.OutcomeUnknown),
        ):
            await t.request(write())
    finally:
        await t.close()
    lines = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(lines) == 1
    text = lines[0].getMessage()
    for part in ("account=main", "method=order_create", "status=502", "OutcomeUnknown"):
        assert part in text
