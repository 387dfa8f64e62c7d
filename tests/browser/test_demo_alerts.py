"""The demo in the browser: a person sets a price alert on the chat page, the simulator's price moves past
it, and the push arrives on the page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from tests.conftest import REDIS_URL
from tests.e2e.test_demo import DemoProcess, demo_process

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

BOT_REPLY_TIMEOUT_MS = 30_000  # the first reply waits for aiogram to warm up on a loaded machine
PUSH_TIMEOUT_MS = 60_000  # a few feed rounds of the demo's 5 s interval
EXCHANGE, ACCOUNT, PAIR = "iqfinex", "iqfinex-main", "BTC/USDT"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def demo() -> AsyncIterator[DemoProcess]:
    async with demo_process("--redis-url", REDIS_URL) as running:
        await running.wait_ready()
        yield running
        assert await running.stop() == 0


async def say(page: Page, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def move_price(demo: DemoProcess, mid: int) -> None:
    url = f"{demo.simulator_urls[EXCHANGE]}/_control/price"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"symbol": PAIR, "mid": str(mid)}) as sent,
    ):
        assert sent.status == 200, await sent.text()


async def test_an_alert_set_on_the_chat_page_fires_when_the_price_moves(
    page: Page, demo: DemoProcess
) -> None:
    await page.goto(demo.page_url)
    await page.wait_for_selector("body[data-ready=true]")
    bot_rows = page.locator("#messages .row.from-bot")

    await move_price(demo, 50_000)
    await say(page, f"/alert {ACCOUNT} {PAIR} > 55000 breakout")
    await expect(bot_rows.filter(has_text="Alert set")).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)

    await move_price(demo, 60_000)
    push = bot_rows.filter(has_text="is at or above")
    await expect(push).to_be_visible(timeout=PUSH_TIMEOUT_MS)
    await expect(push).to_contain_text(ACCOUNT)
    await expect(push).to_contain_text("breakout")
