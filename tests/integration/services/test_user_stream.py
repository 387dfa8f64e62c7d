"""Narkasa's user stream run as the leader runs it, against the simulator's socket and real Redis: a fill
is told once, by the stream while it is connected, by the REST look while it is not, and a new leader
(another stream on the same Redis) neither repeats a fill nor misses one made during the handover."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from services.accounts import Account
from services.actions.store import ActionStore
from services.exchanges.models import OrderSide, OrderType
from services.exchanges.narkasa.client import NarkasaClient
from services.redis_client import Keys
from services.watchers.fills import FillNews, FillWatcher
from services.watchers.transfers import TransferNews, TransferWatcher
from services.watchers.user_stream import UserStream
from tests.integration.exchanges.test_narkasa_fixtures import PAIR, Sim, sim

__all__ = ["sim"]

pytestmark = pytest.mark.integration


@pytest.fixture
async def client(sim: Sim) -> AsyncIterator[NarkasaClient]:
    opened = sim.client()
    yield opened
    await opened.close()


class Told:
    def __init__(self) -> None:
        self.fills: list[FillNews] = []
        self.deposits: list[TransferNews] = []

    async def fill(self, news: FillNews) -> None:
        self.fills.append(news)

    async def deposit(self, news: TransferNews) -> None:
        self.deposits.append(news)

    def of(self, order_id: str) -> list[FillNews]:
        return [n for n in self.fills if n.order.id == order_id]


def leader(client: NarkasaClient, redis: Redis, keys: Keys, told: Told) -> UserStream:
    account = Account("narkasa-main", "narkasa", client)
    fills = FillWatcher(account, ActionStore(redis, keys), redis, keys, told.fill)
    deposits = TransferWatcher(account, redis, keys, told.deposit, catch_up_s=3600)
    return UserStream(client, fills, deposits)


async def until(condition: Callable[[], object], within: float = 10.0) -> None:
    async with asyncio.timeout(within):
        # the stream works on its own task, the simulator on its socket: nothing here to await but them
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def known_open(stream: UserStream, order_id: str) -> None:
    """Until the stream has reported the order (so it is known open to whoever leads next)."""
    async with asyncio.timeout(10):
        while order_id not in {o.id for o in await stream.orders.open_orders(float("inf"))}:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def sell(client: NarkasaClient, price: int) -> str:
    order = await client.create_order(PAIR, OrderSide.SELL, OrderType.LIMIT, Decimal("0.1"), Decimal(price))
    return order.id


async def test_a_fill_is_told_once_across_a_drop_and_a_new_leader(
    sim: Sim, client: NarkasaClient, redis: Redis, keys: Keys
) -> None:
    told = Told()
    first = leader(client, redis, keys, told)
    await first.poll()  # the first look records; the stream starts
    await until(lambda: first.connected)
    before = await sell(client, 61_000)
    await sim.control("POST", "price", {"symbol": PAIR, "mid": "61500"})
    await until(lambda: told.of(before))

    dropped = await sell(client, 62_000)
    await known_open(first, dropped)
    await sim.control("POST", "ws/drop", {"refuse_for": 1.0})
    await sim.control("POST", "price", {"symbol": PAIR, "mid": "62500"})  # while the socket is down
    await until(lambda: told.of(dropped))
    await until(lambda: first.connected)

    during = await sell(client, 63_000)
    await known_open(first, during)
    await first.close()  # leadership lost
    await sim.control("POST", "price", {"symbol": PAIR, "mid": "63500"})  # while no copy leads
    second = leader(client, redis, keys, told)
    await second.poll()
    await until(lambda: told.of(during))
    await until(lambda: second.connected)
    after = await sell(client, 64_000)
    await sim.control("POST", "price", {"symbol": PAIR, "mid": "64500"})
    await until(lambda: told.of(after))
    await second.close()

    for order_id in (before, dropped, during, after):
        [news] = told.of(order_id)
        assert news.complete and news.order.filled == Decimal("0.1") and news.action is None


async def test_a_balance_update_looks_at_the_deposits(
    sim: Sim, client: NarkasaClient, redis: Redis, keys: Keys
) -> None:
    told = Told()
    stream = leader(client, redis, keys, told)
    account = Account("narkasa-main", "narkasa", client)
    await TransferWatcher(account, redis, keys, told.deposit, catch_up_s=3600).poll()  # the first look
    await stream.poll()
    await until(lambda: stream.connected)
    await sim.control("POST", "deposit", {"account": "alice", "asset": "USDT", "amount": "77", "delay": 0})
    await until(lambda: told.deposits)
    await stream.close()
    assert [(d.transfer.amount, d.first_seen) for d in told.deposits] == [(Decimal(77), True)]
