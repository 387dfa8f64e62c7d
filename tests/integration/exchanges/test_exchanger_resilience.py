"""Faults and limits: reads survive transient failures, writes go out at most once, bursts stay in limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from sandbox.exchanges.common import Fault, ServerLimit
from services.exchanges import errors
from services.exchanges.exchanger.constants import BUCKET

from .test_exchanger_fixtures import BTC_USDT, WALLET, Sim, simulator


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator(payout_delay=None) as s:
        yield s


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", status=502, times=1),
        Fault("malformed", times=1),
        Fault("malformed", style="html", times=1),
        Fault("drop", times=1),
        Fault("timeout", seconds=1.0, times=1),
    ],
    ids=["5xx", "truncated-json", "html-page", "dropped-connection", "timeout"],
)
async def test_a_read_survives_one_transient_fault(sim: Sim, fault: Fault) -> None:
    sim.core.faults.add("get_direction", fault)
    async with sim.client(timeout=0.5) as client:
        direction = await client.get_direction(BTC_USDT)
    assert direction.id == BTC_USDT
    assert sim.core.requests.count("get_direction") == 2


async def test_a_failed_create_bid_is_sent_once(sim: Sim) -> None:
    sim.core.faults.add("create_bid", Fault("status", status=502))
    async with sim.client() as client:
        with pytest.raises(errors.OutcomeUnknown):
            await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET)
    assert sim.core.requests.count("create_bid", write=True) == 1


@pytest.mark.parametrize("method", ["cancel_bid", "pay_bid", "success_bid"])
async def test_a_failed_bid_action_is_sent_once(sim: Sim, method: str) -> None:
    async with sim.client() as client:
        created = await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET)
        sim.core.faults.add(method, Fault("status", status=503))
        with pytest.raises(errors.OutcomeUnknown):
            await getattr(client, method)(created.hash)
    assert sim.core.requests.count(method, write=True) == 1


async def test_a_timeout_on_create_bid_is_outcome_unknown_and_the_bid_is_found_by_api_id(sim: Sim) -> None:
    sim.core.faults.add("create_bid", Fault("timeout", seconds=2.0, after=True, times=1))
    async with sim.client(timeout=0.5) as client:
        with pytest.raises(errors.OutcomeUnknown, match="api_id=lost-1"):
            await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET, api_id="lost-1")
        found = await client.find_bid_by_api_id("lost-1")
    assert found is not None
    assert sim.core.requests.count("create_bid", write=True) == 1
    assert len(sim.site.bids.bids) == 1


async def test_a_timeout_on_a_payout_is_outcome_unknown(sim: Sim) -> None:
    sim.core.faults.add("add_partner_payout", Fault("timeout", seconds=2.0, after=True, times=1))
    async with sim.client(timeout=0.5) as client:
        with pytest.raises(errors.OutcomeUnknown):
            await client.add_partner_payout("2", WALLET)
    assert sim.core.requests.count("add_partner_payout", write=True) == 1


async def test_a_burst_never_exceeds_three_calls_a_second(sim: Sim) -> None:
    async with sim.client() as client:
        await asyncio.gather(*(client.get_direction(BTC_USDT) for _ in range(8)))
    assert sim.core.requests.count("get_direction") == 8
    assert sim.core.requests.max_in_window(0.95, "*") <= 3


async def test_a_site_limit_answered_with_429_is_waited_out_on_reads() -> None:
    async with simulator(rate_limits=[ServerLimit(BUCKET, 1, 1.0)]) as sim, sim.client() as client:
        await client.test()
        assert (await client.test()).partner_id == "1"
    assert sim.core.limiter.rejected
