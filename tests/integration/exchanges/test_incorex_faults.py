"""Reads survive transient faults; writes are sent at most once; a lost write answer is OutcomeUnknown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from services.exchanges import errors
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.models import OrderSide, OrderType

from .test_incorex_fixtures import PAIR, Sim, simulator


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator() as running_sim:
        yield running_sim


@pytest.fixture
async def alice(sim: Sim) -> AsyncIterator[IncorexClient]:
    async with sim.client("alice", timeout=0.5) as client:
        await client.load_markets()
        yield client


async def fault(sim: Sim, endpoint: str, **spec: Any) -> None:
    await sim.control("faults", {"endpoint": endpoint, **spec})


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "status", "status": 502, "times": 2},
        {"kind": "malformed", "times": 1},
        {"kind": "malformed", "style": "html", "times": 1},
        {"kind": "timeout", "seconds": 5, "times": 1},
        {"kind": "drop", "times": 1},
    ],
    ids=["502-twice", "truncated-json", "html-page", "timeout", "dropped"],
)
async def test_a_public_read_survives_a_transient_fault(
    sim: Sim, alice: IncorexClient, spec: dict[str, Any]
) -> None:
    await fault(sim, "ticker", **spec)
    assert "BTC/USDT" in await alice.fetch_tickers()
    assert sim.state.requests.count("ticker") == 1 + spec["times"]


async def test_a_signed_read_survives_a_transient_fault_with_fresh_nonces(
    sim: Sim, alice: IncorexClient
) -> None:
    await fault(sim, "user_info", kind="status", status=503, times=2)
    assert (await alice.fetch_balance()).get("BTC").free == Decimal(2)
    assert sim.state.requests.count("user_info") == 3


async def test_an_order_is_sent_once_when_the_server_fails_after_placing_it(
    sim: Sim, alice: IncorexClient
) -> None:
    await fault(sim, "order_create", kind="status", status=500, after=True)
    with pytest.raises(errors.OutcomeUnknown):
        await alice.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.1"), Decimal(50000))
    assert sim.state.requests.count("order_create") == 1
    assert len(sim.state.orders_of("alice")) == 1


async def test_a_withdrawal_is_sent_once_on_a_malformed_answer(sim: Sim, alice: IncorexClient) -> None:
    await fault(sim, "withdraw_crypt", kind="malformed", after=True)
    with pytest.raises(errors.OutcomeUnknown):
        await alice.withdraw("BTC", Decimal("0.1"), "bc1qsimulatedaddress")
    assert sim.state.requests.count("withdraw_crypt") == 1


async def test_a_cancel_is_sent_once_on_a_rate_limit_answer(sim: Sim, alice: IncorexClient) -> None:
    await fault(sim, "order_cancel", kind="rate_limit", seconds=1)
    with pytest.raises(errors.RateLimited):
        await alice.cancel_order("1")
    assert sim.state.requests.count("order_cancel") == 1


async def test_a_write_that_times_out_is_outcome_unknown_and_not_resent(
    sim: Sim, alice: IncorexClient
) -> None:
    await fault(sim, "order_create", kind="timeout", seconds=5, after=True)
    with pytest.raises(errors.OutcomeUnknown):
        await alice.create_order(PAIR, OrderSide.SELL, OrderType.LIMIT, Decimal("0.1"), Decimal(70000))
    assert sim.state.requests.count("order_create") == 1


async def test_a_dropped_withdrawal_is_outcome_unknown_and_not_resent(sim: Sim, alice: IncorexClient) -> None:
    await fault(sim, "withdraw_crypt", kind="drop", after=True)
    with pytest.raises(errors.OutcomeUnknown):
        await alice.withdraw("BTC", Decimal("0.1"), "bc1qsimulatedaddress")
    assert sim.state.requests.count("withdraw_crypt") == 1
