"""Rate limits never exceeded by a burst, and faults: reads survive, writes are sent at most once."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from sandbox.exchanges.common import Fault
from sandbox.exchanges.common.faults import FaultKind
from services.exchanges import errors
from services.exchanges.budget import TimeBudget
from services.exchanges.models import OrderSide, OrderType
from services.exchanges.narkasa.client import NarkasaClient
from services.exchanges.narkasa.constants import ORDER_BUCKET, PRIVATE_BUCKET, PUBLIC_BUCKET, SERVER_LIMITS
from services.exchanges.transport import RetryPolicy

from .test_narkasa_fixtures import PAIR, Sim, alice, sim

__all__ = ["alice", "sim"]

LIMIT = {limit.key: limit for limit in SERVER_LIMITS}


async def test_public_burst_stays_within_the_limit(sim: Sim, alice: NarkasaClient) -> None:
    await asyncio.gather(*(alice.fetch_order_book(PAIR) for _ in range(25)))
    assert sim.state.limiter.max_in_window[PUBLIC_BUCKET] <= LIMIT[PUBLIC_BUCKET].limit
    assert sim.state.limiter.rejected == {}


async def test_order_burst_stays_within_the_limit(sim: Sim, alice: NarkasaClient) -> None:
    await alice.load_markets()
    await asyncio.gather(
        *(
            alice.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal(50_000))
            for _ in range(12)
        )
    )
    assert sim.state.limiter.max_in_window[ORDER_BUCKET] <= LIMIT[ORDER_BUCKET].limit
    assert sim.state.limiter.max_in_window[PRIVATE_BUCKET] <= LIMIT[PRIVATE_BUCKET].limit
    assert sim.state.requests.count("market/limit-buy") == 12
    assert sim.state.limiter.rejected == {}


class Unthrottled(NarkasaClient):
    rate_limits = ()


async def test_simulator_refuses_beyond_the_limit(sim: Sim) -> None:
    async with Unthrottled(sim.config(retry=RetryPolicy(attempts=1))) as client:
        with pytest.raises(errors.RateLimited) as caught:
            await asyncio.gather(*(client.ping() for _ in range(LIMIT[PUBLIC_BUCKET].limit + 5)))
    assert caught.value.retry_after == 1


@pytest.mark.parametrize("kind", ["status", "malformed", "timeout"])
async def test_a_read_survives_a_transient_fault(sim: Sim, kind: FaultKind) -> None:
    sim.state.faults.add("balance/wallet", Fault(kind, seconds=0.3, times=1))
    async with sim.client(budget=TimeBudget(0.2)) as client:
        assert (await client.fetch_balance()).get("BTC").free == Decimal(2)
    assert sim.state.requests.count("balance/wallet") == 2


async def test_a_failed_write_is_sent_once(sim: Sim, alice: NarkasaClient) -> None:
    await alice.load_markets()
    sim.state.faults.add("market/limit-buy", Fault("status", status=502, times=1))
    with pytest.raises(errors.OutcomeUnknown):
        await alice.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal(50_000))
    assert sim.state.requests.count("market/limit-buy", write=True) == 1


async def test_a_timeout_on_a_write_is_outcome_unknown(sim: Sim) -> None:
    sim.state.faults.add("market/market-buy", Fault("timeout", seconds=1, times=1, after=True))
    async with sim.client(budget=TimeBudget(0.3)) as client:
        await client.load_markets()
        with pytest.raises(errors.OutcomeUnknown):
            await client.create_order(PAIR, OrderSide.BUY, OrderType.MARKET, Decimal("0.01"))
    assert sim.state.requests.count("market/market-buy", write=True) == 1
    assert sim.state.ledger.free("alice", "BTC") == Decimal("2.01")  # it did happen


async def test_a_withdrawal_timeout_is_outcome_unknown_and_not_repeated(sim: Sim) -> None:
    sim.state.faults.add("balance/create-withdraw", Fault("timeout", seconds=1, times=1, after=True))
    async with sim.client(budget=TimeBudget(0.3)) as client:
        with pytest.raises(errors.OutcomeUnknown):
            await client.withdraw("BTC", Decimal("0.1"), "bc1qexampleaddress0001", network="BTC")
    assert sim.state.requests.count("balance/create-withdraw") == 1
