"""The fault middleware against a throwaway app over real HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from sandbox.exchanges.common.endpoints import form_field_endpoint
from sandbox.exchanges.common.faults import Fault, FaultPlan
from sandbox.exchanges.common.seed import Seed
from sandbox.exchanges.common.server import running
from sandbox.exchanges.common.state import SimExchangeState

pytestmark = pytest.mark.integration


class Site:
    def __init__(self, base_url: str, state: SimExchangeState, session: aiohttp.ClientSession) -> None:
        self.base_url = base_url
        self.state = state
        self.session = session
        self.handled: list[str] = []

    @property
    def plan(self) -> FaultPlan:
        return self.state.faults

    async def call(self, method: str, wait: float = 5.0) -> aiohttp.ClientResponse:
        response = await self.session.post(
            f"{self.base_url}/tapi",
            data={"method": method, "nonce": "1"},
            timeout=aiohttp.ClientTimeout(total=wait),
        )
        await response.read()
        return response


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    state = SimExchangeState(Seed(markets=()))
    handled: list[str] = []

    async def tapi(request: web.Request) -> web.Response:
        form = await request.post()  # the middleware already read the body to name the endpoint
        handled.append(str(form["method"]))
        return web.json_response({"success": 1, "return": {"method": form["method"], "nonce": form["nonce"]}})

    app = web.Application(middlewares=state.middlewares(form_field_endpoint, writes={"trade"}))
    app.router.add_post("/tapi", tapi)
    state.attach(app)
    async with running(app) as base_url, aiohttp.ClientSession() as session:
        site = Site(base_url, state, session)
        site.handled = handled
        yield site


async def test_without_faults_the_handler_still_reads_the_body(site: Site) -> None:
    response = await site.call("getInfo")
    assert json.loads(await response.text()) == {"success": 1, "return": {"method": "getInfo", "nonce": "1"}}


async def test_latency_delays_then_answers_normally(site: Site) -> None:
    site.plan.add("getInfo", Fault("latency", seconds=0.3))
    started = time.monotonic()
    response = await site.call("getInfo")
    assert time.monotonic() - started >= 0.3
    assert response.status == 200
    assert site.handled == ["getInfo"]


async def test_status_answers_the_error_without_running_the_handler(site: Site) -> None:
    site.plan.add("getInfo", Fault("status", status=503, body='{"error":"maintenance"}'))
    response = await site.call("getInfo")
    assert (response.status, await response.text()) == (503, '{"error":"maintenance"}')
    assert site.handled == []


async def test_timeout_outlasts_the_client(site: Site) -> None:
    site.plan.add("getInfo", Fault("timeout"))
    with pytest.raises(asyncio.TimeoutError):
        await site.call("getInfo", wait=0.3)


async def test_shutdown_releases_a_hung_request_with_an_answer() -> None:
    state = SimExchangeState(Seed(markets=()))

    async def hello(request: web.Request) -> web.Response:
        return web.json_response({})

    app = web.Application(middlewares=state.middlewares())
    app.router.add_get("/x", hello)
    state.attach(app)
    state.faults.add("x", Fault("timeout", seconds=60))
    async with aiohttp.ClientSession() as session:
        async with running(app) as base_url:
            request = asyncio.create_task(session.get(f"{base_url}/x"))
            await asyncio.sleep(0.2)
        response = await asyncio.wait_for(request, 5)
        assert response.status == 504


async def test_malformed_truncated_json(site: Site) -> None:
    site.plan.add("getInfo", Fault("malformed"))
    response = await site.call("getInfo")
    assert response.status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(await response.text())


async def test_malformed_html_error_page(site: Site) -> None:
    site.plan.add("getInfo", Fault("malformed", style="html"))
    response = await site.call("getInfo")
    assert response.status == 502
    assert response.content_type == "text/html"
    assert "<html>" in await response.text()


async def test_rate_limit_answers_429_with_retry_after(site: Site) -> None:
    site.plan.add("getInfo", Fault("rate_limit", seconds=7))
    response = await site.call("getInfo")
    assert (response.status, response.headers["Retry-After"]) == (429, "7")


async def test_drop_closes_the_connection(site: Site) -> None:
    site.plan.add("getInfo", Fault("drop"))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await site.call("getInfo")


async def test_times_clears_the_fault_after_that_many_hits(site: Site) -> None:
    site.plan.add("getInfo", Fault("status", times=2))
    statuses = [(await site.call("getInfo")).status for _ in range(3)]
    assert statuses == [500, 500, 200]
    assert site.plan.active() == []


async def test_a_permanent_fault_stays_until_cleared(site: Site) -> None:
    site.plan.add("getInfo", Fault("status"))
    assert [(await site.call("getInfo")).status for _ in range(3)] == [500, 500, 500]
    site.plan.clear()
    assert (await site.call("getInfo")).status == 200


async def test_glob_patterns_match_endpoint_names(site: Site) -> None:
    site.plan.add("get*", Fault("status", status=502))
    assert (await site.call("getInfo")).status == 502
    assert (await site.call("trade")).status == 200


async def test_after_runs_the_write_then_spoils_the_answer(site: Site) -> None:
    site.plan.add("trade", Fault("timeout", after=True))
    with pytest.raises(asyncio.TimeoutError):
        await site.call("trade", wait=0.3)
    assert site.handled == ["trade"]


async def test_faulted_requests_are_still_counted_as_seen(site: Site) -> None:
    site.plan.add("trade", Fault("status", times=1))
    await site.call("trade")
    await site.call("trade")
    assert site.state.requests.count("trade", write=True) == 2
    assert site.plan.injected == {"trade": 1}


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        Fault.from_dict({"kind": "explode"})


async def test_a_fault_with_a_chance_hits_that_share_and_the_seed_replays_it(site: Site) -> None:
    def run() -> tuple[int, list[bool]]:
        site.plan.clear()
        site.plan.rng.seed(7)
        site.plan.add("getInfo", Fault("status", status=503, chance=0.2))
        return [site.plan.take("getInfo") is not None for _ in range(1000)].count(True), [
            site.plan.take("getInfo") is not None for _ in range(20)
        ]

    hits, first = run()
    assert 150 <= hits <= 250
    assert run() == (hits, first)  # the same seed, the same requests hit
    spared = [(await site.call("getInfo")).status for _ in range(20)]
    assert set(spared) <= {200, 503} and 200 in spared


async def test_a_spared_request_goes_on_to_the_next_fault(site: Site) -> None:
    site.plan.rng.seed(1)
    site.plan.add("trade", Fault("status", status=503, chance=0.5))
    site.plan.add("trade", Fault("rate_limit"))
    statuses = {(await site.call("trade")).status for _ in range(20)}
    assert statuses == {503, 429}


def test_a_chance_outside_zero_to_one_is_refused() -> None:
    for chance in (0, 1.5, -0.1):
        with pytest.raises(ValueError, match="chance"):
            Fault("status", chance=chance)
    assert Fault.from_dict({"kind": "drop", "chance": "0.25"}).chance == 0.25
