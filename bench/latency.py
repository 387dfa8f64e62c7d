"""Alert latency end to end: a price change at a simulator -> the alert's message at the Bot API emulator,
through the real bot (bench.bot_process): its price feed, the alert engine, the outbox and aiogram.

A member sets a repeating crossing alert at the market's price; each sample moves the simulator's price
5 % to the other side of it (so the alert fires once a move) and times from just before the control
call to the sendMessage the emulator logs for that member. Moves come at random moments, at least
1.1 s apart (a private chat takes one message a second), so a polled exchange's figure spreads over its
poll interval as it does in use. IncoreX is polled (one all-tickers request a poll interval); Narkasa
feeds the bot from its websocket allTickers stream.

    python -m bench latency [--samples 30]
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import statistics
import time
from decimal import Decimal

import aiohttp

from bench.bot_process import Stack, running_stack
from bench.figures import Figure, resident_mb
from sandbox.exchanges.common import STATE_KEY

DAVE = 1005  # the demo's viewer: may set alerts
PAIR = "BTC/USDT"
POLL_INTERVAL_S = 1
MOVE = Decimal("0.05")
CHAT_GAP_S = 1.1
TARGETS_MS = {"incorex": POLL_INTERVAL_S * 1000 + 250, "narkasa": 100}


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: with fewer than 100 samples, p99 is the slowest one."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def set_price(http: aiohttp.ClientSession, stack: Stack, exchange: str, mid: Decimal) -> None:
    url = f"{stack.exchanges[exchange].base_url}/_control/price"
    async with http.post(url, json={"symbol": PAIR, "mid": str(mid)}) as reply:
        reply.raise_for_status()


async def pushed_at(stack: Stack, alert: int, count: int, within_s: float) -> float:
    """When the emulator took the ``count``-th push of ``alert`` (its sendMessage)."""
    deadline = time.monotonic() + within_s
    marker = f"Alert #{alert}\n"
    while time.monotonic() < deadline:
        calls = await stack.client.calls("sendMessage")
        pushes = [
            c["time"]
            for c in calls
            if c.get("ok")
            and str(c["params"].get("chat_id")) == str(DAVE)
            and marker in str(c["params"].get("text", ""))
        ]
        if len(pushes) >= count:
            return float(pushes[count - 1])
        await asyncio.sleep(0.02)
    raise TimeoutError(f"alert #{alert}: push {count} not at the emulator within {within_s:.0f} s")


async def samples_of(stack: Stack, exchange: str, samples: int) -> list[float]:
    account = f"{exchange}-main"
    base = stack.exchanges[exchange].app[STATE_KEY].book(PAIR).reference_price()
    assert base is not None
    async with aiohttp.ClientSession() as http:
        # under the alert when it is set, so the crossing waits for the price to go up through it
        await set_price(http, stack, exchange, base * (1 - MOVE))
    await asyncio.sleep(3 * POLL_INTERVAL_S)
    await stack.client.send(DAVE, f"/alert {account} {PAIR} x {base} repeat")
    reply = await stack.client.wait_for(DAVE, lambda m: "Alert set" in (m.text or ""), timeout=60)
    found = re.search(r"#(\d+)", reply.text or "")
    assert found is not None, reply.text
    alert = int(found.group(1))
    times = []
    async with aiohttp.ClientSession() as http:
        for n in range(1, samples + 1):
            await asyncio.sleep(CHAT_GAP_S + random.uniform(0, POLL_INTERVAL_S))
            mid = base * (1 + MOVE if n % 2 else 1 - MOVE)
            moved = time.time()
            await set_price(http, stack, exchange, mid)
            times.append(await pushed_at(stack, alert, n, 30) - moved)
    return times


async def run(samples: int = 30) -> list[Figure]:
    figures = []
    async with running_stack({"alerts": {"poll_interval_s": POLL_INTERVAL_S}}) as stack:
        for exchange, how in (("incorex", f"polled every {POLL_INTERVAL_S} s"), ("narkasa", "websocket")):
            times = [t * 1000 for t in await samples_of(stack, exchange, samples)]
            n = f"alert latency, {exchange} ({how}), {len(times)} moves"
            figures += [
                Figure("latency", f"{n}: p50", statistics.median(times), "ms"),
                Figure("latency", f"{n}: p99", percentile(times, 0.99), "ms", TARGETS_MS[exchange], "target"),
            ]
        figures.append(
            Figure("latency", "bot process resident memory after the run", resident_mb(stack.bot_pid), "MiB")
        )
    return figures
