"""Reads survive transient faults; writes are sent at most once and an unanswered one is OutcomeUnknown."""

from decimal import Decimal

import pytest

from sandbox.exchanges.common import Fault
from services.exchanges import errors
from services.exchanges.budget import TimeBudget
from services.exchanges.models import OrderSide, OrderType

from .test_iqfinex_sim import iqfinex

BUY, MARKET = OrderSide.BUY, OrderType.MARKET


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", status=500, times=2),
        Fault("status", status=503, body='{"status":503,"message":"maintenance"}', times=1),
        Fault("malformed", times=1),
        Fault("malformed", style="html", times=1),
        Fault("drop", times=1),
        Fault("rate_limit", seconds=1, times=1),
    ],
    ids=["500-twice", "503", "truncated-json", "html-page", "dropped-connection", "429-retry-after"],
)
async def test_a_read_survives_a_transient_fault(fault: Fault) -> None:
    async with iqfinex() as (state, client):
        state.faults.add("balance", fault)
        balances = await client.fetch_balance()
    assert balances.get("BTC").total == Decimal("2")
    assert state.faults.injected["balance"] >= 1


async def test_a_read_survives_a_timeout() -> None:
    async with iqfinex(budget=TimeBudget(0.5)) as (state, client):
        state.faults.add("orders_opened", Fault("timeout", seconds=5, times=1))
        assert await client.fetch_open_orders() == []
        assert state.requests.count("orders_opened") == 2


async def test_a_failed_order_is_sent_once() -> None:
    async with iqfinex() as (state, client):
        state.faults.add("order_create", Fault("status", status=500, times=3))
        with pytest.raises(errors.OutcomeUnknown):
            await client.create_order("BTC/USDT", BUY, MARKET, Decimal("0.01"))
        assert state.requests.count("order_create") == 1


async def test_a_failed_cancel_is_sent_once() -> None:
    async with iqfinex() as (state, client):
        order = state.place_order("alice", "BTC/USDT", "buy", "limit", Decimal("0.01"), Decimal("50000"))
        state.faults.add("order_cancel", Fault("malformed", times=3))
        with pytest.raises(errors.OutcomeUnknown):
            await client.cancel_order(order.id)
        assert state.requests.count("order_cancel") == 1


async def test_an_order_that_times_out_is_outcome_unknown() -> None:
    async with iqfinex(budget=TimeBudget(0.5)) as (state, client):
        state.faults.add("order_create", Fault("timeout", seconds=5, after=True, times=1))
        with pytest.raises(errors.OutcomeUnknown):
            await client.create_order("BTC/USDT", BUY, MARKET, Decimal("0.01"))
        assert state.requests.count("order_create") == 1
        assert len(state.orders_of("alice")) == 1  # it did happen: only a manual check can tell


async def test_a_gateway_timeout_on_an_order_is_outcome_unknown() -> None:
    async with iqfinex() as (state, client):
        state.faults.add("order_create", Fault("status", status=504, after=True, times=1))
        with pytest.raises(errors.OutcomeUnknown):
            await client.create_order("BTC/USDT", BUY, MARKET, Decimal("0.01"))
        assert state.requests.count("order_create") == 1
