"""/buy and /sell without arguments, end to end: the guided flow with buttons, state kept in Redis by the
real bot process, against the Bot API emulator and the exchange simulators."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from sandbox.telegram.client import SentMessage
from tests.e2e.monitoring_stack import Stack, edited, has_text, running_stack
from tests.e2e.test_orders import ACCOUNT, CAROL, DAVE, near_market, orders_at_exchange

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("guide")) as running:
        yield running


def labels(message: SentMessage) -> list[str]:
    return [b.text for row in message.buttons for b in row]


async def pick(stack: Stack, picker: SentMessage, label: str, then: str) -> SentMessage:
    """Presses ``label``; the picker must lose its buttons and show the pick; returns the next question."""
    await stack.client.press(CAROL, CAROL, picker.message_id, text=label)
    used = await stack.client.wait_for(CAROL, edited(picker, f"→ {label}"))
    assert used.buttons == []
    return await stack.client.wait_for(CAROL, has_text(then))


async def to_type_picker(stack: Stack, command: str = "/buy") -> SentMessage:
    accounts = await stack.ask(CAROL, command, has_text("Which account?"))
    assert ACCOUNT in labels(accounts)
    assert "exchanger-main" not in labels(accounts)  # a site that cannot place orders is not offered
    pairs = await pick(stack, accounts, ACCOUNT, "Which pair on")
    assert "BTC/USDT" in labels(pairs)
    return await pick(stack, pairs, "BTC/USDT", "Which type of order?")


async def test_a_limit_buy_is_guided_to_the_preview_and_placed_once(stack: Stack) -> None:
    before = orders_at_exchange(stack)
    types = await to_type_picker(stack)
    assert {"limit", "market", "stop-limit"} <= set(labels(types))
    await pick(stack, types, "limit", "How much BTC?")

    wrong = await stack.ask(CAROL, "0,5", has_text("use a dot"))
    assert "Type it again" in (wrong.text or "")
    await stack.ask(CAROL, "0.01", has_text("At which price?"))
    await stack.ask(CAROL, "cheap", has_text("Price cheap: not a plain number"))
    shown = await stack.ask(CAROL, near_market(stack), has_text("Order preview"))
    assert "Buy · limit" in (shown.text or "") and "0.01 BTC" in (shown.text or "")
    assert orders_at_exchange(stack) == before  # nothing left before Confirm

    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    await stack.client.wait_for(CAROL, edited(shown, "Placed: order"), timeout=30)
    assert orders_at_exchange(stack) == before + 1


async def test_a_stop_limit_sell_asks_for_both_prices(stack: Stack) -> None:
    types = await to_type_picker(stack, "/sell")
    await pick(stack, types, "stop-limit", "How much BTC?")
    await stack.ask(CAROL, "0.01", has_text("triggered"))
    await stack.ask(CAROL, near_market(stack, "0.99"), has_text("At which price?"))
    shown = await stack.ask(CAROL, near_market(stack, "0.98"), has_text("Order preview"))
    assert "Sell · stop-limit" in (shown.text or "") and "Stop price" in (shown.text or "")


async def test_a_typed_pair_is_checked_and_the_pair_picker_then_loses_its_buttons(stack: Stack) -> None:
    accounts = await stack.ask(CAROL, "/buy", has_text("Which account?"))
    pairs = await pick(stack, accounts, ACCOUNT, "Which pair on")
    await stack.ask(CAROL, "DOGE/EUR", has_text("Unknown pair DOGE/EUR"))
    await stack.ask(CAROL, "eth_usdt", has_text("Which type of order?", "ETH/USDT"))
    picker = next(
        m for m in await stack.client.messages(CAROL, bot_only=True) if m.message_id == pairs.message_id
    )
    assert picker.buttons == []


async def test_a_rejected_order_asks_for_the_amount_again(stack: Stack) -> None:
    types = await to_type_picker(stack)
    await pick(stack, types, "market", "How much BTC?")
    refused = await stack.ask(CAROL, "1000000", has_text("Not enough free balance"))
    assert refused.buttons == []
    await stack.client.wait_for(CAROL, has_text("How much BTC?"))
    await stack.ask(CAROL, "0.001", has_text("Order preview", "market"))


async def test_an_old_picker_changes_nothing(stack: Stack) -> None:
    first = await stack.ask(CAROL, "/buy", has_text("Which account?"))
    await stack.ask(CAROL, "/sell", has_text("Which account?"))  # starts over: the first picker is stale
    pressed = await stack.client.press(CAROL, CAROL, first.message_id, text=ACCOUNT)
    answer = await stack.client.callback_answer(pressed)
    assert answer.show_alert and "no longer open" in (answer.text or "")


async def test_a_viewer_is_refused_the_guided_flow(stack: Stack) -> None:
    refused = await stack.ask(DAVE, "/sell", has_text("trader"))
    assert refused.text == "This needs the trader role."
