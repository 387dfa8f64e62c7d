"""Confirm-to-exchange: the time from a member's press on Confirm to the order at the simulator, through
the real bot (bench.bot_process: the callback, the action's Redis transitions, the signed request),
against one bare signed request (the exchange client's create_order) to the same simulator in the same
run.

Each sample previews a small IncoreX limit buy under the market (it rests, nothing fills), presses
Confirm and takes the order's time at the simulator (its clock is the wall clock); the bot's own reply is
awaited before the next sample. The emulator's flood limits are off: they would time Telegram.

    python -m bench confirm [--samples 30]
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from bench.balance_fanout import registry_for
from bench.bot_process import Stack, running_stack
from bench.figures import Figure
from bench.latency import percentile
from sandbox.exchanges.common import STATE_KEY, SimExchangeState
from sandbox.telegram.client import SentMessage
from services.exchanges.models import OrderSide, OrderType

CAROL = 1003  # the demo's trader
EXCHANGE, ACCOUNT, PAIR, AMOUNT = "incorex", "incorex-main", "BTC/USDT", Decimal("0.001")
SIM_ACCOUNT = "alice"  # the demo account at every simulator


def state(stack: Stack) -> SimExchangeState:
    found: SimExchangeState = stack.exchanges[EXCHANGE].app[STATE_KEY]
    return found


def under_market(stack: Stack) -> Decimal:
    mid = state(stack).book(PAIR).reference_price()
    assert mid is not None
    return (mid * Decimal("0.97")).quantize(Decimal("0.01"))


async def order_after(stack: Stack, known: int, within_s: float) -> float:
    """The simulator's time of the order placed after the first ``known`` ones (it runs in this process)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        orders = state(stack).orders_of(SIM_ACCOUNT)
        if len(orders) > known:
            return orders[known].created_at
        await asyncio.sleep(0.001)
    raise TimeoutError(f"no order at the simulator within {within_s:.0f} s")


def placed(message_id: int) -> Callable[[SentMessage], bool]:
    return lambda m: m.message_id == message_id and m.edited and "Placed" in (m.text or "")


async def through_the_bot(stack: Stack, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        await stack.client.send(CAROL, f"/buy {ACCOUNT} {PAIR} {AMOUNT} {under_market(stack)}")
        shown = await stack.client.wait_for(CAROL, lambda m: "Order preview" in (m.text or ""), timeout=60)
        known = len(state(stack).orders_of(SIM_ACCOUNT))
        pressed = time.time()
        await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
        times.append(await order_after(stack, known, 30) - pressed)
        await stack.client.wait_for(CAROL, placed(shown.message_id), timeout=60)
    return times


async def bare(stack: Stack, samples: int) -> list[float]:
    accounts = registry_for([stack.exchanges[EXCHANGE]])
    client = accounts.get(ACCOUNT).client
    try:
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            await client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, AMOUNT, under_market(stack))
            times.append(time.perf_counter() - started)
    finally:
        await accounts.close()
    return times


async def run(samples: int = 30) -> list[Figure]:
    async with running_stack(flood=False) as stack:
        ours = [t * 1000 for t in await through_the_bot(stack, samples)]
        baseline = [t * 1000 for t in await bare(stack, samples)]
    n = f"Confirm -> order at the simulator, {samples} orders"
    return [
        Figure(
            "confirm", f"{n}: p50", statistics.median(ours), "ms", statistics.median(baseline), "bare request"
        ),
        Figure(
            "confirm", f"{n}: p99", percentile(ours, 0.99), "ms", percentile(baseline, 0.99), "bare request"
        ),
    ]
