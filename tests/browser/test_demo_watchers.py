"""The watchers in the demo, in the browser: the simulators' control routes (a deposit arriving, the market
filling an order, an exchanger site moving a bid on) produce the pushes on the chat page, as the README
shows."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from tests.browser.test_demo_chat import BOT_REPLY_TIMEOUT_MS, say
from tests.browser.test_demo_orders import open_as
from tests.conftest import REDIS_URL
from tests.e2e.test_demo import DemoProcess, demo_process

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

ALICE, CAROL = 1001, 1003
PUSH_TIMEOUT_MS = 60_000  # a few of the demo's 5 s watcher rounds
MID = Decimal(1_000_000_000)  # BTC/IDR, set by the test so the order's price is known


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def demo() -> AsyncIterator[DemoProcess]:
    async with demo_process("--redis-url", REDIS_URL) as running:
        await running.wait_ready()
        yield running
        assert await running.stop() == 0


async def control(demo: DemoProcess, exchange: str, route: str, body: dict[str, str]) -> None:
    url = f"{demo.simulator_urls[exchange]}/_control/{route}"
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as sent:
        assert sent.status == 200, await sent.text()


async def test_a_deposit_from_the_control_route_is_pushed_to_the_admin(page: Page, demo: DemoProcess) -> None:
    await open_as(page, demo, ALICE)
    await control(demo, "indodax", "deposit", {"account": "alice", "asset": "USDT", "amount": "777.25"})
    push = page.locator("#messages .row.from-bot").filter(has_text="Deposit on indodax-main")
    await expect(push.filter(has_text="777.25 USDT")).to_be_visible(timeout=PUSH_TIMEOUT_MS)


async def test_an_order_the_market_fills_is_pushed_to_the_member_who_placed_it(
    page: Page, demo: DemoProcess
) -> None:
    await control(demo, "indodax", "price", {"symbol": "BTC/IDR", "mid": str(MID)})
    await open_as(page, demo, CAROL)
    bot_rows = page.locator("#messages .row.from-bot")
    await say(page, f"/buy indodax-main BTC/IDR 0.001 {MID * Decimal('0.97')}")
    shown = bot_rows.filter(has_text="Order preview")
    await expect(shown).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    await shown.get_by_role("button", name="Confirm").click()
    await expect(shown).to_contain_text("Placed: order", timeout=BOT_REPLY_TIMEOUT_MS)

    await control(demo, "indodax", "price", {"symbol": "BTC/IDR", "mid": str(MID * Decimal("0.9"))})
    await expect(bot_rows.filter(has_text="Your order filled")).to_be_visible(timeout=PUSH_TIMEOUT_MS)


async def test_a_bid_the_site_moves_on_is_pushed_to_the_member_who_created_it(
    page: Page, demo: DemoProcess
) -> None:
    await open_as(page, demo, CAROL)
    bot_rows = page.locator("#messages .row.from-bot")
    await say(page, "/bid exchanger-main 1 0.01 to=TXYZpayout")
    shown = bot_rows.filter(has_text="Bid preview")
    await expect(shown).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    await shown.get_by_role("button", name="Confirm").click()
    await expect(shown).to_contain_text("created, status new", timeout=BOT_REPLY_TIMEOUT_MS)
    found = re.search(r"Bid (\d+) created", await shown.inner_text())
    assert found is not None
    bid_id = found.group(1)

    await control(demo, "exchanger", "bid/status", {"id": bid_id})
    await expect(bot_rows.filter(has_text=f"Bid #{bid_id} on exchanger-main is now paid")).to_be_visible(
        timeout=PUSH_TIMEOUT_MS
    )
