"""Orders from chat, end to end: the real bot process, the Bot API emulator, the exchange simulators."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest
import pytest_asyncio

from sandbox.telegram.client import EmulatorError, SentMessage
from tests.e2e.monitoring_stack import Stack, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

CAROL, BOB, MALLORY, DAVE = 1003, 1002, 1004, 1005  # trader, approver, stranger, viewer
EXCHANGE, ACCOUNT = "iqfinex", "iqfinex-main"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("orders")) as running:
        yield running


def has_text(*needles: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.text is not None and all(n in m.text for n in needles)


def edited(message: SentMessage, *needles: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.message_id == message.message_id and m.edited and has_text(*needles)(m)


def near_market(stack: Stack, factor: str = "0.97") -> str:
    """A buy price a little under the market: within the price guard, and the order rests."""
    mid = stack.state(EXCHANGE).book("BTC/USDT").reference_price()
    assert mid is not None
    return str((mid * Decimal(factor)).quantize(Decimal("0.01")))


def orders_at_exchange(stack: Stack) -> int:
    return len(stack.state(EXCHANGE).orders_of("alice"))


def writes_at_exchange(stack: Stack) -> int:
    return sum(stack.state(EXCHANGE).stats()["writes"].values())


async def preview(stack: Stack, user: int, command: str) -> SentMessage:
    return await stack.ask(user, command, has_text("Order preview"))


async def test_a_confirmed_order_reaches_the_exchange_once_and_the_preview_shows_the_result(
    stack: Stack,
) -> None:
    before = orders_at_exchange(stack)
    shown = await preview(stack, CAROL, f"/buy {ACCOUNT} btc_usdt 0.01 {near_market(stack)}")
    assert shown.text is not None
    for label in ("Amount", "Price", "Estimated total", "Estimated fee", "Free after"):
        assert label in shown.text
    assert orders_at_exchange(stack) == before  # the preview sent nothing
    confirm = shown.button("Confirm")
    assert confirm is not None and shown.button("Cancel") is not None
    assert len((confirm.callback_data or "").encode()) <= 64

    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    result = await stack.client.wait_for(CAROL, edited(shown, "Placed: order"), timeout=30)
    assert result.buttons == []
    assert orders_at_exchange(stack) == before + 1


async def test_cancel_edits_the_preview_and_sends_nothing(stack: Stack) -> None:
    writes = writes_at_exchange(stack)
    shown = await preview(stack, CAROL, f"/sell {ACCOUNT} BTC/USDT 0.01 {near_market(stack, '1.03')}")
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Cancel")
    await stack.client.wait_for(CAROL, edited(shown, "Cancelled. Nothing was sent."))
    assert writes_at_exchange(stack) == writes


async def test_someone_elses_press_is_refused_to_them_alone(stack: Stack) -> None:
    shown = await preview(stack, CAROL, f"/buy {ACCOUNT} BTC/USDT 0.01 {near_market(stack)}")
    writes = writes_at_exchange(stack)
    pressed = await stack.client.press(BOB, CAROL, shown.message_id, text="Confirm")
    answer = await stack.client.callback_answer(pressed)
    assert answer.show_alert and "someone else" in (answer.text or "")
    assert writes_at_exchange(stack) == writes
    messages = await stack.client.messages(CAROL, bot_only=True)
    assert next(m for m in messages if m.message_id == shown.message_id).button("Confirm") is not None


async def test_a_viewer_and_a_stranger_cannot_trade(stack: Stack) -> None:
    writes = writes_at_exchange(stack)
    refused = await stack.ask(DAVE, f"/buy {ACCOUNT} BTC/USDT 0.01 100", has_text("trader"))
    assert refused.text == "This needs the trader role."
    await stack.client.send(MALLORY, f"/buy {ACCOUNT} BTC/USDT 0.01 100")
    stranger = await stack.client.wait_for(MALLORY, lambda m: m.from_bot)
    assert "not authorized" in (stranger.text or "")
    assert writes_at_exchange(stack) == writes


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("BTC/USDT 0", "must be more than zero"),
        ("BTC/USDT -1", "must be positive"),
        ("BTC/USDT NaN", "not a plain number"),
        ("BTC/USDT 1e999", "not a plain number"),
        ("BTC/USDT " + "9" * 40, "too many digits"),
        ("BTC/USDT 0,5", "use a dot"),
        ("DOGE/EUR 1 1", "unknown pair"),
        ("BTC/USDT 0.01 stop=100", "needs a limit price"),
        ("BTC/USDT 1000000 1", "Not enough free balance"),
        ("BTC/USDT 0.01 100 surplus", "Extra words: surplus"),
    ],
)
async def test_bad_input_is_named_and_nothing_leaves_the_bot(stack: Stack, args: str, expected: str) -> None:
    writes = writes_at_exchange(stack)
    reply = await stack.ask(CAROL, f"/buy {ACCOUNT} {args}", has_text(expected))
    assert reply.buttons == []
    assert writes_at_exchange(stack) == writes


async def test_an_unknown_account_is_named(stack: Stack) -> None:
    reply = await stack.ask(CAROL, "/buy nosuch BTC/USDT 1 1", has_text("nosuch"))
    assert "Unknown account" in (reply.text or "")


async def test_a_price_far_from_the_market_needs_two_confirms(stack: Stack) -> None:
    before = orders_at_exchange(stack)
    shown = await preview(stack, CAROL, f"/buy {ACCOUNT} BTC/USDT 0.01 {near_market(stack, '0.5')}")
    assert "away from the market" in (shown.text or "")
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    await stack.client.wait_for(CAROL, edited(shown, "Press Confirm once more"))
    assert orders_at_exchange(stack) == before
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    await stack.client.wait_for(CAROL, edited(shown, "Placed: order"), timeout=30)
    assert orders_at_exchange(stack) == before + 1


async def test_fifty_presses_at_once_place_one_order(stack: Stack) -> None:
    before = orders_at_exchange(stack)
    shown = await preview(stack, CAROL, f"/buy {ACCOUNT} BTC/USDT 0.01 {near_market(stack)}")
    data = shown.button("Confirm").callback_data  # type: ignore[union-attr]

    async def press() -> str | None:
        # once the bot has removed the buttons the emulator refuses a press, as a Telegram client would
        with contextlib.suppress(EmulatorError):
            return await stack.client.press(CAROL, CAROL, shown.message_id, data=data)
        return None

    pressed = [p for p in await asyncio.gather(*(press() for _ in range(50))) if p is not None]
    await stack.client.wait_for(CAROL, edited(shown, "Placed: order"), timeout=30, since=0)
    answers = [await stack.client.callback_answer(p, timeout=30) for p in pressed]  # every press handled
    assert all(a.answered for a in answers)
    assert sum(1 for a in answers if a.text == "Sending…") == 1
    assert orders_at_exchange(stack) == before + 1


async def test_an_incorex_market_buy_preview_takes_the_exchanges_own_price(stack: Stack) -> None:
    sim = stack.state("incorex")
    before = sim.requests.count("required_amount")
    shown = await preview(stack, CAROL, "/buy incorex-main BTC/USDT 0.01")
    assert "priced by the exchange" in (shown.text or "")
    assert sim.requests.count("required_amount") == before + 1
