"""Price alerts end to end: the real bot, the Bot API emulator with Telegram's flood limits on, and the
simulators' moving prices."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import aiohttp
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from sandbox.telegram.client import SentMessage
from tests.e2e.monitoring_stack import Stack, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

CAROL, DAVE = 1003, 1005  # trader, viewer
EXCHANGE, ACCOUNT, PAIR = "iqfinex", "iqfinex-main", "BTC/USDT"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    extra = {"alerts": {"poll_interval_s": 1}}
    async with running_stack(tmp_path_factory.mktemp("alerts"), extra) as running:
        await running.client.set_flood(True)
        yield running


def has_text(*needles: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.text is not None and all(n in m.text for n in needles)


def market_price(stack: Stack) -> Decimal:
    mid = stack.state(EXCHANGE).book(PAIR).reference_price()
    assert mid is not None
    return mid


async def move_price(stack: Stack, mid: Decimal) -> None:
    """Through the simulator's control route, as an operator would."""
    url = f"{stack.exchanges[EXCHANGE].base_url}/_control/price"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"symbol": PAIR, "mid": str(mid)}) as reply,
    ):
        assert reply.status == 200


async def set_alert(stack: Stack, user: int, condition: str) -> int:
    reply = await stack.ask(user, f"/alert {ACCOUNT} {PAIR} {condition}", has_text("Alert set"))
    assert reply.text is not None
    found = re.search(r"#(\d+)", reply.text)
    assert found is not None
    return int(found.group(1))


def pushes_of(alert: int) -> Callable[[SentMessage], bool]:
    return has_text(f"Alert #{alert}\n")


async def count_pushes(stack: Stack, user: int, alert: int) -> int:
    return sum(1 for m in await stack.client.messages(user, bot_only=True) if pushes_of(alert)(m))


async def scrape(stack: Stack) -> dict[tuple[str, str], float]:
    """The bot's /metrics as (sample name, exchange label) -> value."""
    async with aiohttp.ClientSession() as http, http.get(f"{stack.web_url}/metrics") as reply:
        assert reply.status == 200
        text = await reply.text()
    return {
        (sample.name, sample.labels.get("exchange", "")): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def whole(value: Decimal) -> str:
    return str(value.quantize(Decimal(1)))


async def test_an_alert_fires_once_when_the_price_crosses_it_and_again_only_after_it_re_arms(
    stack: Stack,
) -> None:
    base = market_price(stack)
    target = base * Decimal("1.1")
    watched = await set_alert(stack, DAVE, f"> {whole(target)} repeat take profit")

    await move_price(stack, base * Decimal("1.2"))
    fired = await stack.client.wait_for(DAVE, pushes_of(watched), timeout=30)
    assert fired.text is not None and "at or above" in fired.text and "take profit" in fired.text

    # later ticks above the threshold: a second alert fires on one of them, the first does not again
    later = await set_alert(stack, DAVE, f"> {whole(base * Decimal('1.25'))}")
    await move_price(stack, base * Decimal("1.3"))
    await stack.client.wait_for(DAVE, pushes_of(later), timeout=30)
    assert await count_pushes(stack, DAVE, watched) == 1

    # back under the band (a third alert shows that tick was evaluated), then up again: it fires again
    back = await set_alert(stack, DAVE, f"< {whole(base * Decimal('1.05'))}")
    await move_price(stack, base)
    await stack.client.wait_for(DAVE, pushes_of(back), timeout=30)
    await move_price(stack, base * Decimal("1.2"))
    await stack.client.wait_for(DAVE, pushes_of(watched), timeout=30)
    assert await count_pushes(stack, DAVE, watched) == 2
    await stack.ask(DAVE, "/alerts", has_text("Your alerts"))


async def test_metrics_count_evaluations_fired_alerts_and_the_feeds_requests(stack: Stack) -> None:
    before = await scrape(stack)
    base = market_price(stack)
    alert = await set_alert(stack, DAVE, f"< {whole(base * Decimal('0.8'))}")
    await move_price(stack, base * Decimal("0.7"))
    await stack.client.wait_for(DAVE, pushes_of(alert), timeout=30)
    await move_price(stack, base)

    after = await scrape(stack)
    fired, evaluated = "chatops_alerts_fired_total", "chatops_alert_evaluations_total"
    assert after[(fired, "")] >= before.get((fired, ""), 0) + 1
    assert after[(evaluated, "")] > before.get((evaluated, ""), 0)
    assert after[("chatops_feed_latency_seconds_count", EXCHANGE)] >= 1
    # no alert on the other exchanges: the feed does not ask them
    assert ("chatops_feed_latency_seconds_count", "indodax") not in after


@pytest.mark.parametrize(
    ("condition", "answer"),
    [
        ("NOPE/USDT > 5", "unknown pair"),
        (f"{PAIR} > abc", "abc is not a number"),
        (f"{PAIR} > -5", "must be above 0, not -5"),
        (f"{PAIR} > 0", "must be above 0, not 0"),
        (f"{PAIR} > NaN", "NaN is not a number"),
        (f"{PAIR} +1001% 1h", "at most 1000, not +1001%"),
        (f"{PAIR} +5% 0m", "The period must be from 1m to 24h, such as 15m or 1h, not 0m"),
        (f"{PAIR} +5% 99y", "The period must be from 1m to 24h, such as 15m or 1h, not 99y"),
        (f"{PAIR} > 5 colour=red", "Unknown option colour=red"),
    ],
)
async def test_bad_input_gets_a_clear_message_and_stores_nothing(
    stack: Stack, condition: str, answer: str
) -> None:
    await stack.ask(CAROL, f"/alert {ACCOUNT} {condition}", has_text(answer))
    await stack.ask(CAROL, "/alerts", has_text("You have no alerts"))


async def test_the_list_pauses_and_deletes_with_its_buttons(stack: Stack) -> None:
    alert = await set_alert(stack, CAROL, f"< {whole(market_price(stack) / 2)} expires=7d")
    shown = await stack.ask(CAROL, "/alerts", has_text("Your alerts", f"#{alert}"))
    assert shown.button(f"Pause #{alert}") is not None and shown.button(f"Delete #{alert}") is not None

    await stack.client.press(CAROL, CAROL, shown.message_id, text=f"Pause #{alert}")
    paused = await stack.client.wait_for(
        CAROL, lambda m: m.message_id == shown.message_id and has_text("paused")(m)
    )
    assert paused.button(f"Resume #{alert}") is not None

    await stack.client.press(CAROL, CAROL, shown.message_id, text=f"Delete #{alert}")
    await stack.client.wait_for(
        CAROL, lambda m: m.message_id == shown.message_id and has_text("no alerts")(m)
    )


async def test_without_arguments_the_bot_asks_for_account_pair_and_condition(stack: Stack) -> None:
    accounts = await stack.ask(CAROL, "/alert", has_text("Which account?"))
    await stack.client.press(CAROL, CAROL, accounts.message_id, text=ACCOUNT)
    pairs = await stack.client.wait_for(CAROL, has_text(f"Which pair on {ACCOUNT}?"))
    await stack.client.press(CAROL, CAROL, pairs.message_id, text=PAIR)
    await stack.client.wait_for(CAROL, has_text(f"Alert on {ACCOUNT} {PAIR}: send the condition"))
    reply = await stack.ask(CAROL, "x 1 expires=1h", has_text("Alert set"))
    assert reply.text is not None and f"{ACCOUNT} {PAIR} x 1" in reply.text
    shown = await stack.ask(CAROL, "/alerts", has_text("Your alerts"))
    found = re.search(r"#(\d+)", shown.text or "")
    assert found is not None
    await stack.client.press(CAROL, CAROL, shown.message_id, text=f"Delete #{found.group(1)}")
    await stack.client.wait_for(
        CAROL, lambda m: m.message_id == shown.message_id and has_text("no alerts")(m)
    )
