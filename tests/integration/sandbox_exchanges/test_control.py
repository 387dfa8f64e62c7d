"""The standard /_control/ routes, over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.control import STATE_KEY, add_control_routes
from sandbox.exchanges.common.jsonutil import loads
from sandbox.exchanges.common.ratelimit import ServerLimit
from sandbox.exchanges.common.seed import Seed
from sandbox.exchanges.common.server import running
from sandbox.exchanges.common.state import SimExchangeState

pytestmark = pytest.mark.integration
D = Decimal


class Control:
    def __init__(self, base_url: str, state: SimExchangeState, session: aiohttp.ClientSession) -> None:
        self.base_url = base_url
        self.state = state
        self.session = session

    async def send(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        async with self.session.request(method, f"{self.base_url}{path}", json=body) as response:
            return response.status, loads(await response.read())


@pytest.fixture
async def control() -> AsyncIterator[Control]:
    state = SimExchangeState(Seed.default("sim"), clock=Clock.fixed(), limits=[ServerLimit("private", 2, 60)])
    app = web.Application(middlewares=state.middlewares())

    async def ping(request: web.Request) -> web.Response:
        state.limiter.check(["private"])
        return web.json_response({"ok": True})

    app.router.add_get("/v1/ping", ping)
    add_control_routes(app, state)
    async with running(app) as base_url, aiohttp.ClientSession() as session:
        yield Control(base_url, state, session)


async def test_the_state_is_reachable_from_the_app() -> None:
    state = SimExchangeState(Seed())
    app = web.Application()
    add_control_routes(app, state)
    assert app[STATE_KEY] is state


async def test_deposit_credits_the_account(control: Control) -> None:
    status, body = await control.send(
        "POST", "/_control/deposit", {"account": "alice", "asset": "USDT", "amount": "250.5", "txid": "0xabc"}
    )
    assert (status, body["status"], body["txid"]) == (200, "done", "0xabc")
    assert control.state.ledger.free("alice", "USDT") == D("100250.5")


async def test_deposit_to_an_unknown_account_is_404(control: Control) -> None:
    status, body = await control.send(
        "POST", "/_control/deposit", {"account": "mallory", "asset": "X", "amount": 1}
    )
    assert status == 404 and "mallory" in body["error"]


async def test_deposit_without_amount_is_400(control: Control) -> None:
    status, body = await control.send("POST", "/_control/deposit", {"account": "alice", "asset": "USDT"})
    assert status == 400 and "amount" in body["error"]


async def test_balance_sets_the_free_balance(control: Control) -> None:
    status, body = await control.send(
        "POST", "/_control/balance", {"account": "alice", "asset": "BTC", "free": 0}
    )
    assert (status, body["free"]) == (200, "0")
    assert control.state.ledger.free("alice", "BTC") == D(0)


async def test_faults_are_added_and_cleared(control: Control) -> None:
    await control.send(
        "POST", "/_control/faults", {"endpoint": "v1/ping", "kind": "status", "status": 503, "times": 1}
    )
    async with control.session.get(f"{control.base_url}/v1/ping") as response:
        assert response.status == 503
    await control.send("POST", "/_control/faults", {"endpoint": "v1/*", "kind": "status"})
    status, body = await control.send("DELETE", "/_control/faults")
    assert (status, body["faults"]) == (200, [])


async def test_a_bad_fault_is_400(control: Control) -> None:
    status, _ = await control.send("POST", "/_control/faults", {"endpoint": "x", "kind": "meteor"})
    assert status == 400


async def test_control_routes_are_never_faulted(control: Control) -> None:
    await control.send("POST", "/_control/faults", {"endpoint": "*", "kind": "status"})
    status, _ = await control.send("GET", "/_control/stats")
    assert status == 200


async def test_stats_count_requests_and_limits(control: Control) -> None:
    for _ in range(3):
        async with control.session.get(f"{control.base_url}/v1/ping"):
            pass
    _, stats = await control.send("GET", "/_control/stats")
    assert stats["requests"] == {"v1/ping": 3}
    assert stats["max_in_window"] == {"private": 3}
    _, reset = await control.send("POST", "/_control/reset-stats")
    assert (reset["requests"], reset["max_in_window"]) == ({}, {"private": 0})


async def test_price_moves_the_market(control: Control) -> None:
    status, body = await control.send("POST", "/_control/price", {"symbol": "BTC/USDT", "mid": "50000"})
    assert (status, body["ask"]) == (200, "50050.00")


async def test_price_of_unknown_market_is_404(control: Control) -> None:
    status, _ = await control.send("POST", "/_control/price", {"symbol": "NOPE/USDT", "mid": "1"})
    assert status == 404


async def test_withdrawals_complete_now(control: Control) -> None:
    transfer = control.state.transfers.request_withdrawal("alice", "BTC", D("0.1"), "addr")
    status, body = await control.send("POST", "/_control/withdrawals/complete", {})
    assert status == 200
    assert [t["id"] for t in body["completed"]] == [transfer.id]
    assert transfer.txid is not None


async def test_withdrawal_fail_refunds(control: Control) -> None:
    transfer = control.state.transfers.request_withdrawal("alice", "BTC", D("0.1"), "addr")
    status, body = await control.send("POST", "/_control/withdrawals/fail", {"id": transfer.id})
    assert (status, body["status"]) == (200, "failed")
    assert control.state.ledger.free("alice", "BTC") == D(2)


async def test_clock_advance_completes_due_withdrawals(control: Control) -> None:
    transfer = control.state.transfers.request_withdrawal("alice", "BTC", D("0.1"), "addr")
    _, body = await control.send("POST", "/_control/clock", {"advance": 2})
    assert [t["id"] for t in body["completed"]] == [transfer.id]


async def test_state_dump(control: Control) -> None:
    status, body = await control.send("GET", "/_control/state")
    assert status == 200
    assert body["balances"]["alice"]["BTC"] == {"free": "2", "reserved": "0"}
    assert set(body["markets"]) == {"BTC/USDT", "ETH/USDT"}
