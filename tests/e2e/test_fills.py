"""Order fills end to end: orders rest on each exchange, one placed through the bot and one on the exchange
itself; when the market reaches them, the member who placed the first is told once that it filled, and
the admins once of the other (Narkasa over its user stream, the others by polling)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import aiohttp
import pytest
import pytest_asyncio

from demo.exchanges import DEMO_ACCOUNT
from sandbox.telegram.client import SentMessage
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.monitoring_stack import Stack, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE, CAROL = 1001, 1003  # admin, trader
PAIRS = {"incorex": "BTC/USDT", "indodax": "BTC/IDR", "iqfinex": "BTC/USDT", "narkasa": "BTC/USDT"}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    # IncoreX's watchers read its wallet history (10 requests a minute): 15 s is the shortest that fits
    intervals = {"incorex_interval_s": 15, "indodax_interval_s": 1, "iqfinex_interval_s": 1}
    async with running_stack(
        tmp_path_factory.mktemp("fills"), {"watchers": {**intervals, "narkasa_interval_s": 1}}
    ) as running:
        yield running


def has_text(*needles: str) -> Callable[[SentMessage], bool]:
    # a line that ends the text matches with its newline too
    return lambda m: m.text is not None and all(n in m.text + "\n" for n in needles)


def below(stack: Stack, exchange: str, factor: str) -> Decimal:
    mid = stack.state(exchange).book(PAIRS[exchange]).reference_price()
    assert mid is not None
    step = Decimal(1) if exchange == "indodax" else Decimal("0.01")
    return (mid * Decimal(factor)).quantize(step)


async def buy_through_the_bot(stack: Stack, exchange: str, amount: str, price: Decimal) -> str:
    """carol's order, confirmed; its id at the exchange."""
    command = f"/buy {exchange}-main {PAIRS[exchange]} {amount} {price}"
    shown = await stack.ask(CAROL, command, has_text("Order preview"))
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    placed = await stack.client.wait_for(
        CAROL, lambda m: m.message_id == shown.message_id and has_text("Placed: order")(m), timeout=30
    )
    found = re.search(r"Placed: order (\S+),", placed.text or "")
    assert found is not None
    return found.group(1)


async def move_price(stack: Stack, exchange: str, mid: Decimal) -> None:
    url = f"{stack.exchanges[exchange].base_url}/_control/price"
    body = {"symbol": PAIRS[exchange], "mid": str(mid)}
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as reply:
        assert reply.status == 200


async def seen_open(stack: Stack, account: str, *order_ids: str) -> None:
    """Until the account's fill watcher has recorded the orders open (in Redis): an order placed outside
    the bot and filled before any look saw it is not followed."""
    redis = create_redis(REDIS_URL)
    key = f"{stack.redis_prefix}:watch:orders:{account}:known"
    try:
        async with asyncio.timeout(60):
            # the event is a key the bot process writes in Redis: nothing here to wait on but the key
            while not all([await redis.hexists(key, i) for i in order_ids]):  # type: ignore[misc]  # noqa: ASYNC110
                await asyncio.sleep(0.2)
    finally:
        await redis.aclose()


async def told(stack: Stack, chat: int, predicate: Callable[[SentMessage], bool]) -> int:
    return sum(1 for m in await stack.client.messages(chat, bot_only=True) if predicate(m))


@pytest.mark.parametrize("exchange", sorted(PAIRS))
async def test_a_fill_is_told_once_to_the_placer_and_one_outside_the_bot_to_the_admins(
    stack: Stack, exchange: str
) -> None:
    account, pair = f"{exchange}-main", PAIRS[exchange]
    ours = await buy_through_the_bot(stack, exchange, "0.001", below(stack, exchange, "0.97"))
    on_site = stack.state(exchange).place_order(
        DEMO_ACCOUNT, pair, "buy", "limit", Decimal("0.002"), below(stack, exchange, "0.96")
    )
    await seen_open(stack, account, ours, on_site.id)
    await move_price(stack, exchange, below(stack, exchange, "0.9"))

    filled = has_text("Your order filled", f"0.001 {pair} on {account}", f"\nId: {ours}\n")
    outside = has_text(f"Order filled on {account}", f"0.002 {pair}", f"\nId: {on_site.id}\n")
    await stack.client.wait_for(CAROL, filled, since=0, timeout=60)
    await stack.client.wait_for(ALICE, outside, since=0, timeout=60)
    assert await told(stack, CAROL, filled) == 1
    assert await told(stack, ALICE, outside) == 1
    assert await told(stack, ALICE, filled) == 0
    assert await told(stack, CAROL, outside) == 0  # a trader is not told of the account's other orders
