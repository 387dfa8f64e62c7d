"""Narkasa fills across a leader change: two copies of the real bot on one Redis (webhook mode, as behind a
load balancer). The leader's user stream tells a fill once; the leader is killed, an order fills while no
copy leads, and the copy that takes over tells that fill once, repeats none told before, and its own
stream tells the next one, and one filled while its connection is down."""

from __future__ import annotations

import asyncio
import re
import signal
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from demo.exchanges import RunningExchange, running_exchanges
from sandbox.exchanges.common import STATE_KEY
from sandbox.telegram.client import EmulatorClient, SentMessage, running_emulator
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets
from tests.e2e.copies import leader_of, own_webhook_copy
from tests.e2e.monitoring_stack import has_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

CAROL = 1003  # trader
EXCHANGE, ACCOUNT, PAIR = "narkasa", "narkasa-main", "BTC/USDT"
LEASE_S = 2.0


def copy(
    directory: Path, api_url: str, prefix: str, secrets: BotSecrets, exchanges: list[RunningExchange]
) -> BotProcess:
    return own_webhook_copy(
        directory,
        api_url=api_url,
        prefix=prefix,
        secrets=secrets,
        exchanges=exchanges,
        extra={"watchers": {"narkasa_interval_s": 1}, "workers": {"leader_lease_s": LEASE_S}},
    )


class Market:
    def __init__(self, exchange: RunningExchange, http: aiohttp.ClientSession) -> None:
        self._exchange = exchange
        self._http = http

    def below(self, factor: str) -> Decimal:
        mid = self._exchange.app[STATE_KEY].book(PAIR).reference_price()
        assert mid is not None
        return (mid * Decimal(factor)).quantize(Decimal("0.01"))

    async def move(self, mid: Decimal) -> None:
        url = f"{self._exchange.base_url}/_control/price"
        async with self._http.post(url, json={"symbol": PAIR, "mid": str(mid)}) as reply:
            assert reply.status == 200

    async def drop_sockets(self, refuse_for: float) -> None:
        url = f"{self._exchange.base_url}/_control/ws/drop"
        async with self._http.post(url, json={"refuse_for": refuse_for}) as reply:
            assert reply.status == 200


async def recorded_open(prefix: str, order_id: str) -> None:
    """Until the leader has recorded the order open (in Redis), as its stream reports it."""
    redis = create_redis(REDIS_URL)
    try:
        async with asyncio.timeout(30):
            # the event is a key the bot process writes in Redis: nothing here to wait on but the key
            while not await redis.hexists(f"{prefix}:watch:orders:{ACCOUNT}:known", order_id):  # type: ignore[misc]  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    finally:
        await redis.aclose()


async def buy(client: EmulatorClient, price: Decimal) -> str:
    await client.send(CAROL, f"/buy {ACCOUNT} {PAIR} 0.001 {price}")
    shown = await client.wait_for(CAROL, has_text("Order preview"), timeout=30)
    await client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    placed = await client.wait_for(
        CAROL, lambda m: m.message_id == shown.message_id and has_text("Placed: order")(m), timeout=30
    )
    found = re.search(r"Placed: order (\S+),", placed.text or "")
    assert found is not None
    return found.group(1)


def fill_of(order_id: str) -> Callable[[SentMessage], bool]:
    told = has_text("Your order filled", f"on {ACCOUNT}")
    return lambda m: told(m) and (m.text or "").endswith(f"\nId: {order_id}")


async def test_a_narkasa_fill_is_told_once_across_a_leader_change(tmp_path: Path) -> None:
    secrets = BotSecrets()
    prefix = f"test-e2e-fills-{secrets.env_var.lower()}"
    async with running_emulator() as (api_url, _app), running_exchanges() as exchanges:
        copies = [copy(tmp_path / name, api_url, prefix, secrets, exchanges) for name in ("a", "b")]
        try:
            await asyncio.gather(*(process.start() for process in copies))
            async with EmulatorClient(api_url) as client, aiohttp.ClientSession() as http:
                market = Market(next(e for e in exchanges if e.name == EXCHANGE), http)
                before = await buy(client, market.below("0.97"))
                await market.move(market.below("0.95"))
                await client.wait_for(CAROL, fill_of(before), since=0, timeout=30)

                during = await buy(client, market.below("0.97"))
                roles = [await leader_of(process, http) for process in copies]
                assert sorted(roles) == ["another copy", "this copy"]
                leader, follower = copies if roles[0] == "this copy" else copies[::-1]
                await leader.stop(signal.SIGKILL)
                await market.move(market.below("0.95"))  # while no copy leads
                killed_at = time.monotonic()
                while await leader_of(follower, http) != "this copy":
                    assert time.monotonic() - killed_at < 30 * LEASE_S, "no copy took over"
                    await asyncio.sleep(0.1)
                await client.wait_for(CAROL, fill_of(during), since=0, timeout=30)

                after = await buy(client, market.below("0.97"))
                await market.move(market.below("0.95"))
                await client.wait_for(CAROL, fill_of(after), since=0, timeout=30)

                dropped = await buy(client, market.below("0.97"))
                await recorded_open(prefix, dropped)
                await market.drop_sockets(refuse_for=2)
                await market.move(market.below("0.95"))  # while the connection is down
                await client.wait_for(CAROL, fill_of(dropped), since=0, timeout=30)
                pushed = await client.messages(CAROL, bot_only=True)
                for order_id in (before, during, after, dropped):
                    assert sum(1 for m in pushed if fill_of(order_id)(m)) == 1, order_id
                assert "Traceback" not in follower.output
        finally:
            for process in copies:
                if process.returncode is None:
                    await process.stop()
            redis = create_redis(REDIS_URL)
            async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
                await redis.delete(key)
            await redis.aclose()
