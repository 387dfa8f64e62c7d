"""Order fills end to end: an order placed through the bot on Indodax rests; when the market reaches it,
the member who placed it is told once that it filled."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import aiohttp
import pytest
import pytest_asyncio

from sandbox.telegram.client import SentMessage
from tests.e2e.monitoring_stack import Stack, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE, CAROL = 1001, 1003  # admin, trader
EXCHANGE, ACCOUNT, PAIR = "indodax", "indodax-main", "BTC/IDR"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(
        tmp_path_factory.mktemp("fills"), {"watchers": {"indodax_interval_s": 1}}
    ) as running:
        yield running


def has_text(*needles: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.text is not None and all(n in m.text for n in needles)


async def test_an_order_filled_on_indodax_is_told_once_to_the_member_who_placed_it(stack: Stack) -> None:
    mid = stack.state(EXCHANGE).book(PAIR).reference_price()
    assert mid is not None
    price = (mid * Decimal("0.97")).quantize(Decimal(1))
    shown = await stack.ask(CAROL, f"/buy {ACCOUNT} {PAIR} 0.001 {price}", has_text("Order preview"))
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    await stack.client.wait_for(
        CAROL, lambda m: m.message_id == shown.message_id and has_text("Placed: order")(m), timeout=30
    )

    url = f"{stack.exchanges[EXCHANGE].base_url}/_control/price"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"symbol": PAIR, "mid": str(mid * Decimal("0.9"))}) as reply,
    ):
        assert reply.status == 200

    filled = has_text("Your order filled", f"0.001 {PAIR} on {ACCOUNT}")
    await stack.client.wait_for(CAROL, filled, since=0, timeout=30)
    assert sum(1 for m in await stack.client.messages(CAROL, bot_only=True) if filled(m)) == 1
    assert not [m for m in await stack.client.messages(ALICE, bot_only=True) if filled(m)]
