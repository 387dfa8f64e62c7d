"""kill -9 of the real bot at random points of 50 order flows, each followed by a restart: no order is
ever placed twice, and every action ends settled, or unknown with the admins told.

Each flow: carol previews an order (on Indodax, found later by its client_order_id, or on Iqfinex,
found by matching open orders), presses Confirm, and the bot is killed with SIGKILL after a random
delay (seeded) that falls before, during or after the send. The next copy starts at once (its imports
done ahead), reconciles at start-up and every second.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from demo.exchanges import running_exchanges
from sandbox.exchanges.common import STATE_KEY, Fault, SimExchangeState
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, running_emulator
from services.actions.records import Action
from services.actions.states import FINAL, ActionState
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import ROOT, START_TIMEOUT_S, STOP_TIMEOUT_S, BotSecrets
from tests.e2e.monitoring_stack import write_monitoring_config

pytestmark = pytest.mark.asyncio(loop_scope="module")

FLOWS = 50
SEED = 20261129
# the exchange takes a while to answer an order; kills land before it is sent, while the exchange is
# working on it (it places the order after the bot died), and after the answer
EXCHANGE_LATENCY_S = 0.3
MAX_DELAY_S = 1.0
CAROL, ALICE = 1003, 1001
MARKETS = (("indodax", "BTC/IDR", Decimal(1)), ("iqfinex", "BTC/USDT", Decimal("0.01")))
CREATE_ENDPOINT = {"indodax": "trade", "iqfinex": "order_create"}
SETTLED = FINAL | {ActionState.SUBMITTED}
IN_FLIGHT = {ActionState.PENDING, ActionState.CONFIRMED, ActionState.SUBMITTING}
SETTLE_TIMEOUT_S = 120.0
# the shortest leases and intervals, so a dead copy's work is taken over in about a second
FAST = {
    "actions": {"inflight_lease_s": 1, "reconcile_interval_s": 1},
    "workers": {"leader_lease_s": 1},
    "orders": {"confirm_ttl_s": 10},
    "logging": {"level": "INFO"},
}


class BotForks:
    """Bot processes forked from one parent that imported the bot once (tests.e2e.warm_bot)."""

    def __init__(self, config: Path, port: int) -> None:
        self.config = config
        self.web_url = f"http://127.0.0.1:{port}"
        self._parent: asyncio.subprocess.Process | None = None
        self._forked: asyncio.Queue[int] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None
        self.lines: deque[str] = deque(maxlen=200)
        self.running: int | None = None

    async def open(self) -> None:
        self._parent = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.e2e.warm_bot",
            "run",
            "--config",
            str(self.config),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            limit=2**24,  # a long log line must not stop the reading (the pipe would fill up)
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._parent is not None and self._parent.stdout is not None
        async for raw in self._parent.stdout:
            line = raw.decode("utf-8", "replace")
            self.lines.append(line)
            if line.startswith("FORKED "):
                self._forked.put_nowait(int(line.split()[1]))

    async def start(self) -> None:
        """A new bot process, serving once its health check answers."""
        assert self._parent is not None and self._parent.stdin is not None
        self._parent.stdin.write(b"fork\n")
        await self._parent.stdin.drain()
        self.running = await asyncio.wait_for(self._forked.get(), START_TIMEOUT_S)
        deadline = time.monotonic() + START_TIMEOUT_S
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                assert alive(self.running), f"the bot exited:\n{''.join(self.lines)}"
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{self.web_url}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise AssertionError(f"bot not healthy after {START_TIMEOUT_S}s")

    async def kill(self) -> None:
        """kill -9, and wait until the process is gone (its port free for the next one)."""
        assert self.running is not None
        os.kill(self.running, signal.SIGKILL)
        for _ in range(round(STOP_TIMEOUT_S / 0.01)):  # no event tells a killed stranger's exit
            if not alive(self.running):
                self.running = None
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"process {self.running} still alive after kill -9")

    async def close(self) -> None:
        if self.running is not None:
            await self.kill()
        if self._parent is not None and self._parent.stdin is not None:
            self._parent.stdin.close()
            try:
                await asyncio.wait_for(self._parent.wait(), 10)
            except TimeoutError:
                self._parent.kill()
                await self._parent.wait()
        if self._reader is not None:
            await self._reader


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass(frozen=True)
class Flow:
    exchange: str
    pair: str
    amount: Decimal
    price: Decimal

    @property
    def account(self) -> str:
        return f"{self.exchange}-main"

    def command(self) -> str:
        return f"/buy {self.account} {self.pair} {self.amount} {self.price}"

    def orders(self, sim: SimExchangeState) -> list[str]:
        """The simulator's orders with exactly this flow's parameters."""
        return [
            o.id
            for o in sim.orders_of("alice", self.pair)
            if o.side == "buy" and o.amount == self.amount and o.price == self.price
        ]


def flow(number: int, sims: dict[str, SimExchangeState]) -> Flow:
    exchange, pair, step = MARKETS[number % len(MARKETS)]
    mid = sims[exchange].book(pair).reference_price()
    assert mid is not None
    # a distinct amount per flow tells its order apart; 5 % under the market, so it rests
    amount = (Decimal("0.001") + Decimal("0.00001") * number).normalize()
    return Flow(exchange, pair, amount, (mid * Decimal("0.95")).quantize(step))


async def actions_of(prefix: str) -> list[Action]:
    redis = create_redis(REDIS_URL)
    try:
        found = []
        async for key in redis.scan_iter(match=f"{prefix}:action:*", count=500):
            if key.count(":") == prefix.count(":") + 2:  # the record, not its in-flight lease
                found.append(Action.from_redis(await redis.hgetall(key)))  # type: ignore[misc]
        return found
    finally:
        await redis.aclose()


async def settled_actions(prefix: str) -> list[Action]:
    """Waits until nothing is in flight and every unknown action has been looked up and handed to the
    admins (an Indodax lookup settles it, a matching lookup leaves its candidates)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while True:
        actions = await actions_of(prefix)
        waiting = [
            a
            for a in actions
            if a.state in IN_FLIGHT or (a.state is ActionState.UNKNOWN and a.candidates is None)
        ]
        if not waiting:
            return actions
        assert time.monotonic() < deadline, f"still in flight: {[(a.id, a.state) for a in waiting]}"
        await asyncio.sleep(0.5)


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"test-e2e-crash-{BotSecrets().env_var.lower()}"
    yield name
    redis = create_redis(REDIS_URL)
    async for key in redis.scan_iter(match=f"{name}:*", count=500):
        await redis.delete(key)
    await redis.aclose()


async def test_kill_9_at_random_points_of_fifty_order_flows_places_nothing_twice(
    tmp_path: Path, prefix: str
) -> None:
    rng = random.Random(SEED)
    secrets = BotSecrets()
    port = free_port()
    async with running_emulator() as (api_url, _app), running_exchanges() as exchanges:
        config = write_monitoring_config(
            tmp_path,
            api_url=api_url,
            redis_url=REDIS_URL,
            redis_prefix=prefix,
            web_port=port,
            exchanges=exchanges,
            token=secrets.token,
            extra=FAST,
        )
        sims = {e.name: e.app[STATE_KEY] for e in exchanges}
        for name, endpoint in CREATE_ENDPOINT.items():
            sims[name].faults.add(endpoint, Fault("latency", seconds=EXCHANGE_LATENCY_S))
        bots = BotForks(config, port)
        await bots.open()
        await bots.start()
        flows: list[Flow] = []
        try:
            async with EmulatorClient(api_url) as client:
                for number in range(FLOWS):
                    flows.append(flow(number, sims))
                    await client.send(CAROL, flows[-1].command())
                    shown = await client.wait_for(
                        CAROL,
                        lambda m, amount=str(flows[-1].amount): (
                            m.text is not None and "Order preview" in m.text and amount in m.text
                        ),
                        timeout=60,
                    )
                    await client.press(CAROL, CAROL, shown.message_id, text="Confirm")
                    await asyncio.sleep(rng.uniform(0, MAX_DELAY_S))
                    await bots.kill()
                    await bots.start()

                actions = await settled_actions(prefix)
                admin_texts = [m.text or "" for m in await client.messages(ALICE, bot_only=True)]
        finally:
            await bots.close()

    assert len(actions) == FLOWS
    by_amount = {(a.account, Decimal(a.params["amount"])): a for a in actions}
    for each in flows:
        action = by_amount[(each.account, each.amount)]
        placed = each.orders(sims[each.exchange])
        assert len(placed) <= 1, f"{each} placed {len(placed)} times"
        assert action.state in SETTLED or action.state is ActionState.UNKNOWN, (each, action.state)
        if action.state in (ActionState.SUBMITTED, ActionState.COMPLETED):
            assert placed == [action.exchange_id], (each, action)
        elif action.state is not ActionState.UNKNOWN:
            assert placed == [], (each, action)  # failed, expired or cancelled: nothing at the exchange
        else:
            assert any(action.id in text for text in admin_texts), f"admins not told of {action.id}"
