"""An order whose answer is lost behind a gateway, end to end: the real bot, the emulator, the simulators.

The simulator executes the order and the answer the bot gets is a gateway's error page instead (the
simulator's fault injection spoils the answer after its handler ran, as a proxy in front of it would).
The member is told the outcome is being checked, the admins are told at once, and the bot finds the
order and settles it: one order at the exchange, never sent twice. The same holds for a cancel (settled by
the order's state) and an exchanger bid (found by its api_id).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest
import pytest_asyncio

from sandbox.exchanges.common import Fault
from sandbox.exchanges.exchanger import SITE_KEY
from sandbox.telegram.client import SentMessage
from tests.e2e.monitoring_stack import Stack, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

CAROL, ALICE = 1003, 1001  # trader, admin
# a proxy's bad gateway after the exchange took the order: the outcome is unknown, never "failed"
EXCHANGE, ACCOUNT, GATEWAY_STATUS = "iqfinex", "iqfinex-main", 502


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("reconcile")) as running:
        yield running


def has_text(*needles: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.text is not None and all(n in m.text for n in needles)


async def test_a_gateway_error_after_the_exchange_took_the_order_leaves_one_order_and_is_settled(
    stack: Stack,
) -> None:
    sim = stack.state(EXCHANGE)
    mid = sim.book("BTC/USDT").reference_price()
    assert mid is not None
    price = (mid * Decimal("0.97")).quantize(Decimal("0.01"))
    before, writes = len(sim.orders_of("alice")), sim.requests.count("order_create", write=True)
    shown = await stack.ask(CAROL, f"/buy {ACCOUNT} BTC/USDT 0.0123 {price}", has_text("Order preview"))
    sim.faults.add("order_create", Fault("status", status=GATEWAY_STATUS, after=True, times=1))
    admin_seq = stack.client.last_seq

    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")

    checking = await stack.client.wait_for(
        CAROL,
        lambda m: m.message_id == shown.message_id and has_text("the bot is checking")(m),
        timeout=30,
    )
    assert checking.buttons == []
    settled = await stack.client.wait_for(CAROL, has_text("Checked: it was placed"), timeout=30)
    placed = sim.orders_of("alice")
    assert len(placed) == before + 1  # the exchange has it once: nothing was sent again
    assert f"order {placed[-1].id}" in (settled.text or "")
    told = await stack.client.wait_for(ALICE, has_text("Outcome unknown"), since=admin_seq, timeout=30)
    assert "0.0123" in (told.text or "") and ACCOUNT in (told.text or "")
    assert sim.requests.count("order_create", write=True) == writes + 1


async def test_an_order_the_bot_cannot_tell_apart_is_settled_by_an_admin_with_a_button(stack: Stack) -> None:
    sim = stack.state(EXCHANGE)
    mid = sim.book("BTC/USDT").reference_price()
    assert mid is not None
    price = (mid * Decimal("0.96")).quantize(Decimal("0.01"))
    twin = sim.place_order("alice", "BTC/USDT", "buy", "limit", Decimal("0.0124"), price)  # placed by hand
    writes = sim.requests.count("order_create", write=True)
    shown = await stack.ask(CAROL, f"/buy {ACCOUNT} BTC/USDT 0.0124 {price}", has_text("Order preview"))
    sim.faults.add("order_create", Fault("status", status=GATEWAY_STATUS, after=True, times=1))
    admin_seq = stack.client.last_seq

    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")

    question = await stack.client.wait_for(ALICE, has_text("could not settle"), since=admin_seq, timeout=30)
    ours = sim.orders_of("alice")[-1]
    assert f"order {twin.id}" in (question.text or "") and f"order {ours.id}" in (question.text or "")
    assert question.button("Settle as not placed") is not None
    refused = await stack.client.press(CAROL, ALICE, question.message_id, text=f"Settle as placed {ours.id}")
    assert "admin" in ((await stack.client.callback_answer(refused)).text or "")  # a trader may not

    await stack.client.press(ALICE, ALICE, question.message_id, text=f"Settle as placed {ours.id}")

    answered = await stack.client.wait_for(
        ALICE, lambda m: m.message_id == question.message_id and m.edited and has_text("Checked")(m)
    )
    assert answered.buttons == []
    told = await stack.client.wait_for(CAROL, has_text("Settled by alice"), since=admin_seq, timeout=30)
    assert f"order {ours.id}" in (told.text or "")
    assert sim.requests.count("order_create", write=True) == writes + 1  # sent once, never again


async def test_a_cancel_whose_answer_is_lost_behind_a_gateway_is_checked_and_settled_as_done(
    stack: Stack,
) -> None:
    sim = stack.state(EXCHANGE)
    mid = sim.book("BTC/USDT").reference_price()
    assert mid is not None
    order = sim.place_order(
        "alice",
        "BTC/USDT",
        "buy",
        "limit",
        Decimal("0.0131"),
        (mid * Decimal("0.9")).quantize(Decimal("0.01")),
    )
    shown = await stack.ask(CAROL, f"/cancel {ACCOUNT} {order.id}", has_text("Cancel order?", order.id))
    sim.faults.add("order_cancel", Fault("status", status=GATEWAY_STATUS, after=True, times=1))
    writes, admin_seq = sim.requests.count("order_cancel", write=True), stack.client.last_seq

    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")

    await stack.client.wait_for(
        CAROL, lambda m: m.message_id == shown.message_id and has_text("the bot is checking")(m), timeout=30
    )
    settled = await stack.client.wait_for(
        CAROL, has_text("Checked: the exchange took it", order.id), timeout=30
    )
    assert "order cancel" in (settled.text or "")
    told = await stack.client.wait_for(
        ALICE, has_text("Outcome unknown (order cancel)"), since=admin_seq, timeout=30
    )
    assert order.id in (told.text or "") and "carol" in (told.text or "")
    assert not next(o for o in sim.orders_of("alice") if o.id == order.id).is_open
    assert sim.requests.count("order_cancel", write=True) == writes + 1  # sent once, never again


async def test_a_bid_whose_answer_is_lost_is_found_at_the_site_by_its_api_id(stack: Stack) -> None:
    site = stack.exchanges["exchanger"].app[SITE_KEY]
    before = len(site.bids.bids)
    shown = await stack.ask(CAROL, "/bid exchanger-main 1 0.01 to=TXYZpayout", has_text("Bid preview"))
    site.core.faults.add("create_bid", Fault("status", status=GATEWAY_STATUS, after=True, times=1))
    admin_seq = stack.client.last_seq

    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")

    settled = await stack.client.wait_for(
        CAROL, has_text("Checked: the exchange took it"), since=admin_seq, timeout=30
    )
    assert len(site.bids.bids) == before + 1  # the site has it once: nothing was sent again
    (created,) = list(site.bids.bids.values())[before:]
    assert str(created.id) in (settled.text or "")
    await stack.client.wait_for(
        ALICE, has_text("Outcome unknown (exchanger bid)"), since=admin_seq, timeout=30
    )
