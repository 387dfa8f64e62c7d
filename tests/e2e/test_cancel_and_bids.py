"""Cancelling orders and exchanger bids from chat, end to end: the real bot process, the Bot API emulator,
the exchange simulators."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio

from sandbox.exchanges.exchanger import SITE_KEY, ExchangerSite
from sandbox.telegram.client import Button, SentMessage
from tests.e2e.monitoring_stack import Stack, running_stack
from tests.e2e.test_orders import ACCOUNT, CAROL, DAVE, EXCHANGE, edited, has_text, near_market, preview

pytestmark = pytest.mark.asyncio(loop_scope="module")

SITE = "exchanger-main"
#: BTC -> USDT on the demo site; its maximum is set below, so "above the maximum" can be asked
BTC_TO_USDT, MAX_GIVE = "1", Decimal("0.2")
PAYOUT = "to=TXYZpayout"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("cancel")) as running:
        site(running).directions[BTC_TO_USDT].max_give = MAX_GIVE
        yield running


def site(stack: Stack) -> ExchangerSite:
    return stack.exchanges["exchanger"].app[SITE_KEY]


def flat(message: SentMessage) -> list[Button]:
    return [b for row in message.buttons for b in row]


def writes(stack: Stack, exchange: str) -> int:
    return sum(stack.state(exchange).stats()["writes"].values())


async def placed_order(stack: Stack) -> str:
    """An open order placed by carol through the bot; its id."""
    shown = await preview(stack, CAROL, f"/buy {ACCOUNT} BTC/USDT 0.01 {near_market(stack, '0.95')}")
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    result = await stack.client.wait_for(CAROL, edited(shown, "Placed: order"), timeout=30)
    found = re.search(r"Placed: order (\S+),", result.text or "")
    assert found is not None
    return found.group(1)


def is_open(stack: Stack, order_id: str) -> bool:
    return next(o for o in stack.state(EXCHANGE).orders_of("alice") if o.id == order_id).is_open


async def confirm(stack: Stack, shown: SentMessage, *needles: str) -> SentMessage:
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    return await stack.client.wait_for(CAROL, edited(shown, *needles), timeout=30)


async def test_cancel_previews_the_open_order_and_cancels_it_once_on_confirm(stack: Stack) -> None:
    order_id = await placed_order(stack)
    before = writes(stack, EXCHANGE)
    shown = await stack.ask(CAROL, f"/cancel {ACCOUNT} {order_id}", has_text("Cancel order?", order_id))
    for label in ("Pair: BTC/USDT", "Side: buy", "Amount: 0.01", "Price:", "Filled: 0"):
        assert label in (shown.text or "")
    assert writes(stack, EXCHANGE) == before and is_open(stack, order_id)  # the preview sent nothing

    result = await confirm(stack, shown, f"Order {order_id} cancelled at the exchange")
    assert result.buttons == []
    assert not is_open(stack, order_id)
    assert writes(stack, EXCHANGE) == before + 1


async def test_the_orders_rows_carry_cancel_for_a_trader_only(stack: Stack) -> None:
    order_id = await placed_order(stack)
    screen = await stack.ask(CAROL, f"/orders {ACCOUNT}", has_text("Open orders", order_id))
    row = next(
        b for b in flat(screen) if b.text.startswith("✖️ Cancel") and order_id in (b.callback_data or "")
    )
    viewer = await stack.ask(DAVE, f"/orders {ACCOUNT}", has_text("Open orders", order_id))
    assert flat(viewer) and not any("Cancel" in b.text for b in flat(viewer))

    await stack.client.press(CAROL, CAROL, screen.message_id, data=row.callback_data)
    shown = await stack.client.wait_for(CAROL, has_text("Cancel order?", order_id))
    await confirm(stack, shown, f"Order {order_id} cancelled at the exchange")
    assert not is_open(stack, order_id)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("nosuch 123", "Unknown account nosuch"),
        (f"{ACCOUNT} 999999999", "No open order 999999999"),
        (f"{ACCOUNT} 123 surplus", "surplus is extra"),
        (ACCOUNT, "Usage: /cancel ACCOUNT ORDER_ID"),
    ],
)
async def test_bad_cancel_input_is_named_and_nothing_leaves_the_bot(
    stack: Stack, args: str, expected: str
) -> None:
    before = writes(stack, EXCHANGE)
    reply = await stack.ask(CAROL, f"/cancel {args}", has_text(expected))
    assert reply.buttons == []
    assert writes(stack, EXCHANGE) == before


async def test_a_viewer_cannot_cancel_or_bid(stack: Stack) -> None:
    for command in (f"/cancel {ACCOUNT} 1", f"/bid {SITE} {BTC_TO_USDT} 0.01 {PAYOUT}"):
        refused = await stack.ask(DAVE, command, has_text("trader"))
        assert refused.text == "This needs the trader role."


async def test_a_bid_is_previewed_from_the_calculator_and_created_once_with_its_api_id(stack: Stack) -> None:
    before = len(site(stack).bids.bids)
    shown = await stack.ask(CAROL, f"/bid {SITE} {BTC_TO_USDT} 0.01 {PAYOUT}", has_text("Bid preview"))
    text = shown.text or ""
    assert "You give: 0.01 BTC" in text and "You get:" in text and "Rate:" in text
    assert len(site(stack).bids.bids) == before  # the preview sent nothing

    result = await confirm(stack, shown, "created, status new")
    found = re.search(r"Bid (\S+) created", result.text or "")
    assert found is not None
    bid = site(stack).bids.bids[found.group(1)]
    assert len(site(stack).bids.bids) == before + 1
    assert bid.amount_give == Decimal("0.01") and bid.api_id  # sent with the action's idempotency key


async def test_a_new_bid_is_cancelled_from_its_bids_row_by_a_trader_only(stack: Stack) -> None:
    shown = await stack.ask(
        CAROL, f"/bid {SITE} {BTC_TO_USDT} 0.02 {PAYOUT}", has_text("Bid preview", "0.02")
    )
    result = await confirm(stack, shown, "created, status new")
    found = re.search(r"Bid (\S+) created", result.text or "")
    assert found is not None
    bid_id = found.group(1)

    screen = await stack.ask(CAROL, f"/bids {SITE}", has_text("Exchange bids", f"#{bid_id} "))
    row = next(b for b in flat(screen) if b.text.startswith(f"✖️ Cancel #{bid_id} "))
    viewer = await stack.ask(DAVE, f"/bids {SITE}", has_text("Exchange bids", f"#{bid_id} "))
    assert flat(viewer) and not any("Cancel" in b.text for b in flat(viewer))
    await stack.client.press(CAROL, CAROL, screen.message_id, data=row.callback_data)
    asked = await stack.client.wait_for(CAROL, has_text("Cancel bid?", f"#{bid_id}"))
    await confirm(stack, asked, f"Bid {bid_id} cancelled.")
    assert site(stack).bids.bids[bid_id].status.value == "cancel"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (f"DOGE/EUR 1 {PAYOUT}", "Unknown direction DOGE/EUR"),
        (f"{BTC_TO_USDT} 0 {PAYOUT}", "must be more than zero"),
        (f"{BTC_TO_USDT} -1 {PAYOUT}", "must be positive"),
        (f"{BTC_TO_USDT} NaN {PAYOUT}", "not a plain number"),
        (f"{BTC_TO_USDT} 1e999 {PAYOUT}", "not a plain number"),
        (f"{BTC_TO_USDT} 0,5 {PAYOUT}", "use a dot"),
        (f"{BTC_TO_USDT} {'9' * 40} {PAYOUT}", "too many digits"),
        (f"{BTC_TO_USDT} 0.00001 {PAYOUT}", "below the direction's minimum of 0.0001 BTC"),
        (f"{BTC_TO_USDT} 0.3 {PAYOUT}", "above the direction's maximum of 0.2 BTC"),
        (f"{BTC_TO_USDT} 0.01", "add to=ACCOUNT"),
    ],
)
async def test_bad_bid_input_is_named_and_nothing_leaves_the_bot(
    stack: Stack, args: str, expected: str
) -> None:
    before = writes(stack, "exchanger")
    reply = await stack.ask(CAROL, f"/bid {SITE} {args}", has_text(expected))
    assert reply.buttons == []
    assert writes(stack, "exchanger") == before


async def test_a_bid_preview_shows_the_sites_commission_as_its_calculator_states_it(stack: Stack) -> None:
    eth_to_usdt = site(stack).directions["3"]
    eth_to_usdt.commission = Decimal("0.005")
    _give, get = eth_to_usdt.amounts(Decimal("0.1"), 1)
    fee = get - eth_to_usdt.after_commission(get)

    shown = await stack.ask(CAROL, f"/bid {SITE} 3 0.1 {PAYOUT}", has_text("Bid preview", "Site's fee"))

    assert f"Site's fee: {fee.normalize():f} USDT (0.5%)" in (shown.text or "")
