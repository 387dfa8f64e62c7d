"""Deposits end to end: the real bot, the Bot API emulator and the simulators' control routes. A deposit
arriving is told once to the admins and the team group; one pending is told when seen and when credited;
what was there when the bot started is not news; a restart repeats nothing and misses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from demo.exchanges import DEMO_ACCOUNT, RunningExchange
from sandbox.telegram.client import SentMessage
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.monitoring_stack import Stack, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE, CAROL = 1001, 1003  # admin, trader
TEAM = -100777
EXCHANGES = ["incorex", "indodax", "narkasa"]
# each deposit has its own amount, so its messages are found by it
AT_START, NEW, SLOW, WHILE_DOWN = "101.25", "202.5", "303.75", "404.125"


async def inject(exchange: RunningExchange, amount: str, **fields: Any) -> str:
    """A deposit arriving, through the simulator's control route, as an operator would; its id."""
    body = {"account": DEMO_ACCOUNT, "asset": "USDT", "amount": amount, "network": "TRC20", **fields}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{exchange.base_url}/_control/deposit", json=body) as reply,
    ):
        assert reply.status == 200
        return str((await reply.json())["id"])


async def complete(exchange: RunningExchange, transfer_id: str) -> None:
    url = f"{exchange.base_url}/_control/withdrawals/complete"
    async with aiohttp.ClientSession() as http, http.post(url, json={"id": transfer_id}) as reply:
        assert reply.status == 200


async def before_start(exchanges: dict[str, RunningExchange]) -> None:
    for name in EXCHANGES:
        await inject(exchanges[name], AT_START, delay=0)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    extra = {
        # IncoreX's wallet history takes 10 requests a minute: deposits and withdrawals every 15 s fit in it
        "watchers": {"incorex_interval_s": 15, "indodax_interval_s": 1, "narkasa_interval_s": 1},
        "notifications": {"chat_id": TEAM},
    }
    async with running_stack(tmp_path_factory.mktemp("deposits"), extra, before_start) as running:
        yield running


def deposit_of(name: str, amount: str, *more: str) -> Callable[[SentMessage], bool]:
    needles = (f"Deposit on {name}-main", f"{amount} USDT", *more)
    return lambda m: m.text is not None and all(n in m.text for n in needles)


async def told(stack: Stack, chat: int, name: str, amount: str) -> list[str]:
    return [
        m.text or "" for m in await stack.client.messages(chat, bot_only=True) if deposit_of(name, amount)(m)
    ]


async def looked(stack: Stack) -> dict[str, float]:
    """When each account's watcher last finished a look (its cursor in Redis)."""
    redis = create_redis(REDIS_URL)
    try:
        found = {}
        for name in EXCHANGES:
            raw = await redis.get(f"{stack.redis_prefix}:watch:deposits:{name}-main:cursor")
            found[name] = float(raw) if raw is not None else 0.0
        return found
    finally:
        await redis.aclose()


async def a_look_after(stack: Stack, moment: dict[str, float]) -> None:
    """Until every watcher has finished a look begun after ``moment``: its cursor in Redis moved past it."""
    async with asyncio.timeout(60):
        # the event is a key the bot process writes in Redis: nothing here to wait on but the key
        while any(at <= moment[name] for name, at in (await looked(stack)).items()):  # noqa: ASYNC110
            await asyncio.sleep(0.2)


async def test_each_deposit_is_told_once_also_across_a_restart_and_none_from_before(stack: Stack) -> None:
    # the team group exists for the emulator once someone has written in it
    await stack.client.send(CAROL, "hello", chat_id=TEAM, chat_type="supergroup", chat_title="Team")
    await a_look_after(stack, dict.fromkeys(EXCHANGES, 0.0))  # the first look only records
    slow = {}
    for name in EXCHANGES:
        await inject(stack.exchanges[name], NEW, delay=0)
        slow[name] = await inject(stack.exchanges[name], SLOW, delay=86_400)
    for name in EXCHANGES:
        await stack.client.wait_for(ALICE, deposit_of(name, NEW, "Status: done"), since=0, timeout=60)
        await stack.client.wait_for(TEAM, deposit_of(name, NEW), since=0, timeout=60)
        await stack.client.wait_for(ALICE, deposit_of(name, SLOW, "Status: pending"), since=0, timeout=60)

    assert stack.process is not None
    await stack.process.stop()
    for name in EXCHANGES:  # while no copy runs: one credited, one arriving
        await complete(stack.exchanges[name], slow[name])
        await inject(stack.exchanges[name], WHILE_DOWN, delay=0)
    await stack.process.start()
    for name in EXCHANGES:
        await stack.client.wait_for(ALICE, deposit_of(name, WHILE_DOWN), since=0, timeout=60)
        await stack.client.wait_for(ALICE, deposit_of(name, SLOW, "is now done"), since=0, timeout=60)
    await a_look_after(stack, await looked(stack))  # one more look of each: it tells nothing again

    for name in EXCHANGES:
        assert await told(stack, ALICE, name, AT_START) == []
        assert len(await told(stack, ALICE, name, NEW)) == 1
        assert len(await told(stack, ALICE, name, WHILE_DOWN)) == 1
        assert len(await told(stack, ALICE, name, SLOW)) == 2  # pending, then credited
        assert len(await told(stack, TEAM, name, NEW)) == 1
        assert await told(stack, CAROL, name, NEW) == []  # a trader is not told by default
