"""Rate limits as the simulator counts them, and faults: reads survive, writes are sent at most once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from sandbox.exchanges.common.ratelimit import ServerLimit
from services.exchanges import errors
from services.exchanges.indodax.constants import WINDOW_MARGIN
from services.exchanges.models import OrderSide, OrderType
from services.exchanges.ratelimit import RateLimit

from .test_indodax_fixtures import PAIR, Sim, simulator

PRICE = Decimal(900_000_000)


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator() as s:
        yield s


async def test_a_burst_of_trades_never_exceeds_twenty_a_second_per_pair(sim: Sim) -> None:
    async with sim.client() as client:
        await client.load_markets()
        await asyncio.gather(
            *(
                client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), PRICE)
                for _ in range(45)
            )
        )
    assert sim.state.requests.count("trade") == 45
    assert sim.state.requests.max_in_window(1.0, "trade") <= 20
    assert sim.state.limiter.rejected == {}


async def test_the_trade_limit_is_counted_per_pair(sim: Sim) -> None:
    async with sim.client() as client:
        await client.load_markets()
        orders = [
            client.create_order(pair, OrderSide.SELL, OrderType.LIMIT, Decimal("0.001"), price)
            for pair, price in (("BTC/IDR", Decimal(1_100_000_000)), ("ETH/IDR", Decimal(60_000_000)))
            for _ in range(20)
        ]
        started = asyncio.get_running_loop().time()
        await asyncio.gather(*orders)
        elapsed = asyncio.get_running_loop().time() - started
    assert elapsed < 1.0  # 20 on each pair fit in one window
    assert sim.state.limiter.rejected == {}


async def test_the_server_blocks_a_pair_for_five_seconds_after_a_429(sim: Sim) -> None:
    sim.state.limiter.block("trade:btc_idr", 5.0, scope="alice")
    async with sim.client() as client:
        with pytest.raises(errors.RateLimited) as raised:
            await client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), PRICE)
    assert raised.value.retry_after == 5


async def test_after_a_429_the_client_keeps_away_from_the_pair(sim: Sim) -> None:
    sim.state.limiter.block("trade:btc_idr", 5.0, scope="alice")
    async with sim.client() as client:
        with pytest.raises(errors.RateLimited):
            await client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), PRICE)
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.5):
                await client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), PRICE)
    assert sim.state.requests.count("trade") == 1


async def test_a_burst_of_public_reads_stays_under_the_public_limit(sim: Sim) -> None:
    sim.state.limiter.limits = [ServerLimit("public", 10, 1.0)]  # the real 180/min, scaled down
    async with sim.client(rate_limits=[RateLimit("public", 10, 1.0 + WINDOW_MARGIN)]) as client:
        await asyncio.gather(*(client.fetch_tickers() for _ in range(25)))
    assert sim.state.requests.max_in_window(1.0, "api/ticker_all") <= 10
    assert sim.state.limiter.rejected == {}


async def test_a_read_survives_a_transient_5xx(sim: Sim) -> None:
    await sim.control("faults", {"endpoint": "getInfo", "kind": "status", "status": 502, "times": 2})
    async with sim.client() as client:
        assert (await client.fetch_balance()).get("BTC").free == 2


async def test_a_read_survives_a_malformed_answer(sim: Sim) -> None:
    await sim.control("faults", {"endpoint": "api/ticker_all", "kind": "malformed", "times": 1})
    async with sim.client() as client:
        assert "BTC/IDR" in await client.fetch_tickers()


async def test_a_read_survives_an_html_error_page(sim: Sim) -> None:
    await sim.control("faults", {"endpoint": "openOrders", "kind": "malformed", "style": "html", "times": 1})
    async with sim.client() as client:
        assert await client.fetch_open_orders(PAIR) == []


async def test_a_read_survives_a_timeout(sim: Sim) -> None:
    await sim.control("faults", {"endpoint": "getInfo", "kind": "timeout", "seconds": 5, "times": 1})
    async with sim.client(timeout=0.5) as client:
        assert (await client.fetch_balance()).get("BTC").free == 2


async def test_a_write_that_failed_with_5xx_is_not_sent_again(sim: Sim) -> None:
    await sim.control("faults", {"endpoint": "trade", "kind": "status", "status": 503, "times": 1})
    async with sim.client() as client:
        with pytest.raises(errors.OutcomeUnknown):
            await client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), PRICE)
    assert sim.state.requests.count("trade", write=True) == 1


async def test_a_timeout_on_a_trade_is_outcome_unknown_and_sent_once(sim: Sim) -> None:
    await sim.control(
        "faults", {"endpoint": "trade", "kind": "timeout", "seconds": 5, "after": True, "times": 1}
    )
    async with sim.client(timeout=0.5) as client:
        with pytest.raises(errors.OutcomeUnknown):
            await client.create_order(
                PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), PRICE, client_order_id="lost-1"
            )
        found = await client.fetch_order_by_client_order_id("lost-1", PAIR)
    assert sim.state.requests.count("trade", write=True) == 1
    assert found.client_order_id == "lost-1"


async def test_a_timeout_on_a_withdrawal_is_outcome_unknown_and_sent_once(sim: Sim) -> None:
    await sim.control(
        "faults", {"endpoint": "withdrawCoin", "kind": "timeout", "seconds": 5, "after": True, "times": 1}
    )
    async with sim.client(timeout=0.5) as client:
        with pytest.raises(errors.OutcomeUnknown):
            await client.withdraw("BTC", Decimal("0.1"), "bc1qexternal", network="mainnet")
    assert sim.state.requests.count("withdrawCoin", write=True) == 1
    assert len(sim.state.transfers.query("alice", "withdrawal")) == 1
