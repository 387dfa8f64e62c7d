"""kill -9 of the real bot at random points of 50 order flows and 100 withdrawal flows, each followed by a
restart: nothing is ever placed or withdrawn twice, and every action ends settled, or unknown with the
admins told.

A round runs two order flows (alice previews and confirms a buy on Indodax, found later by its
client_order_id, or on Iqfinex, found by matching open orders) and four withdrawal flows (carol requests
on Indodax, with its request_id, or on IncoreX, found in its history; bob approves) at once (a member's
own updates are handled one after another, so the flows are spread over members), and the bot
is killed with SIGKILL after a random delay (seeded, printed) that falls before, during or after the
sends: the exchanges take a while to answer a write. The next copy starts at once (its imports done
ahead), reconciles at start-up and every second. Many flows per kill keep the restarts, the costly part,
few.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from demo.exchanges import running_exchanges
from sandbox.exchanges.common import STATE_KEY, Fault, SimExchangeState
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, running_emulator
from services.actions.states import ActionState
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_forks import SETTLED, BotForks, settled_actions
from tests.e2e.bot_process import BotSecrets
from tests.e2e.monitoring_stack import has_text, write_monitoring_config

pytestmark = [pytest.mark.resilience, pytest.mark.asyncio(loop_scope="module")]

ROUNDS = 25
ORDERS_PER_ROUND, WITHDRAWALS_PER_ROUND = 2, 4
SEED = 20261129
# the exchange takes a while to answer a write; kills land before it is sent, while the exchange is
# working on it (it acts after the bot died), and after the answer
EXCHANGE_LATENCY_S = 0.3
MAX_DELAY_S = 4.0
CAROL, BOB, ALICE = 1003, 1002, 1001
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
MARKETS = (("indodax", "BTC/IDR", Decimal(1)), ("iqfinex", "BTC/USDT", Decimal("0.01")))
WITHDRAWING = ("indodax", "incorex")
WRITE_ENDPOINTS = {
    "indodax": ("trade", "withdrawCoin"),
    "iqfinex": ("order_create",),
    "incorex": ("withdraw_crypt",),
}
# the shortest leases and intervals, so a dead copy's work is taken over in about a second; requests
# left waiting by a killed copy expire soon after the last round
FAST = {
    "actions": {"inflight_lease_s": 1, "reconcile_interval_s": 1},
    "workers": {"leader_lease_s": 1},
    "orders": {"confirm_ttl_s": 10},
    "withdrawals": {"approvals_required": 1, "approval_timeout_s": 10, "confirm_ttl_s": 10},
    "logging": {"level": "INFO"},
}


@dataclass(frozen=True)
class OrderFlow:
    exchange: str
    pair: str
    amount: Decimal
    price: Decimal

    @property
    def account(self) -> str:
        return f"{self.exchange}-main"

    def matches(self, sim: SimExchangeState) -> list[str]:
        """The simulator's orders with exactly this flow's parameters."""
        return [
            o.id
            for o in sim.orders_of("alice", self.pair)
            if o.side == "buy" and o.amount == self.amount and o.price == self.price
        ]

    async def run(self, client: EmulatorClient) -> None:
        await client.send(ALICE, f"/buy {self.account} {self.pair} {self.amount} {self.price}")
        shown = await client.wait_for(ALICE, has_text("Order preview", str(self.amount)), timeout=60)
        await client.press(ALICE, ALICE, shown.message_id, text="Confirm")


@dataclass(frozen=True)
class WithdrawalFlow:
    exchange: str
    amount: Decimal

    @property
    def account(self) -> str:
        return f"{self.exchange}-main"

    def matches(self, sim: SimExchangeState) -> list[str]:
        """The simulator's withdrawals of exactly this amount (Indodax's books it net of the fee)."""
        net = self.exchange == "indodax"
        return [
            t.id
            for t in sim.transfers.query("alice", "withdrawal", "BTC")
            if (t.amount + t.fee if net else t.amount) == self.amount and t.address == ADDRESS
        ]

    async def run(self, client: EmulatorClient) -> None:
        amount = str(self.amount)
        await client.send(CAROL, f"/withdraw {self.account} BTC {amount} {ADDRESS}")
        shown = await client.wait_for(CAROL, has_text("Withdrawal preview", amount), timeout=60)
        await client.press(CAROL, CAROL, shown.message_id, text="Confirm")
        asked = await client.wait_for(BOB, has_text("Withdrawal request from carol", amount), timeout=60)
        await client.press(BOB, BOB, asked.message_id, text="Approve")


Flow = OrderFlow | WithdrawalFlow


def order_flow(number: int, sims: dict[str, SimExchangeState]) -> OrderFlow:
    exchange, pair, step = MARKETS[number % len(MARKETS)]
    mid = sims[exchange].book(pair).reference_price()
    assert mid is not None
    # a distinct amount per flow tells its order apart; 5 % under the market, so it rests
    amount = (Decimal("0.001") + Decimal("0.00001") * number).normalize()
    return OrderFlow(exchange, pair, amount, (mid * Decimal("0.95")).quantize(step))


def withdrawal_flow(number: int) -> WithdrawalFlow:
    amount = (Decimal("0.002") + Decimal("0.00001") * number).normalize()
    return WithdrawalFlow(WITHDRAWING[number % len(WITHDRAWING)], amount)


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"test-e2e-crash-{BotSecrets().env_var.lower()}"
    yield name
    redis = create_redis(REDIS_URL)
    async for key in redis.scan_iter(match=f"{name}:*", count=500):
        await redis.delete(key)
    await redis.aclose()


async def test_kill_9_at_random_points_of_orders_and_withdrawals_sends_nothing_twice(
    tmp_path: Path, prefix: str
) -> None:
    print(f"kill -9 rounds seeded with {SEED}")
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
        for name, endpoints in WRITE_ENDPOINTS.items():
            for endpoint in endpoints:
                sims[name].faults.add(endpoint, Fault("latency", seconds=EXCHANGE_LATENCY_S))
        bots = BotForks(config, port)
        await bots.open()
        await bots.start()
        flows: list[Flow] = []
        try:
            async with EmulatorClient(api_url) as client:
                for round_number in range(ROUNDS):
                    batch: list[Flow] = [
                        order_flow(round_number * ORDERS_PER_ROUND + i, sims) for i in range(ORDERS_PER_ROUND)
                    ]
                    batch += [
                        withdrawal_flow(round_number * WITHDRAWALS_PER_ROUND + i)
                        for i in range(WITHDRAWALS_PER_ROUND)
                    ]
                    flows += batch
                    running_flows = [asyncio.create_task(each.run(client)) for each in batch]
                    await asyncio.sleep(rng.uniform(0, MAX_DELAY_S))  # the random point of the kill
                    await bots.kill()
                    for task in running_flows:
                        task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await asyncio.gather(*running_flows, return_exceptions=True)
                    await bots.start()

                actions = await settled_actions(prefix)
                for action in actions:
                    if action.state is ActionState.UNKNOWN:  # the admins are told, whichever copy saw it
                        what = "withdrawal" if action.kind == "withdrawal" else "order"
                        await client.wait_for(ALICE, has_text(action.id, what), timeout=60, since=0)
        finally:
            await bots.close()

    by_params = {(a.kind, a.account, Decimal(a.params["amount"])): a for a in actions}
    reached = 0
    for each in flows:
        kind = "order" if isinstance(each, OrderFlow) else "withdrawal"
        action = by_params.get((kind, each.account, each.amount))
        sent = each.matches(sims[each.exchange])
        assert len(sent) <= 1, f"{each} sent {len(sent)} times"
        if action is None:  # killed before the bot read the command: nothing may have left
            assert sent == [], each
            continue
        reached += bool(sent)
        assert action.state in SETTLED or action.state is ActionState.UNKNOWN, (each, action.state)
        if action.state in (ActionState.SUBMITTED, ActionState.COMPLETED):
            assert sent == [action.exchange_id] if kind == "order" else len(sent) == 1, (each, action)
        elif action.state is not ActionState.UNKNOWN:
            assert sent == [], (each, action)  # failed, expired, cancelled or rejected: nothing sent
    print(f"{reached} of {len(flows)} flows reached an exchange; states: {Counter(a.state for a in actions)}")
    assert reached > 0  # some kills came after the sends
