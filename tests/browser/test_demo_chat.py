"""The whole demo in the browser: `python -m bot demo` running, a person on the chat page as alice.

With CHATOPS_DEMO_SCREENSHOT=PATH the test also saves the page after /start and /balance there (that is
how docs/demo.png is made).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from demo.exchanges import DEMO_ACCOUNT
from tests.conftest import REDIS_URL
from tests.e2e.test_demo import DemoProcess, demo_process

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

BOT_REPLY_TIMEOUT_MS = 30_000  # the first reply waits for aiogram to warm up on a loaded machine
BALANCE_ACCOUNTS = ("incorex-main", "indodax-main", "iqfinex-main", "narkasa-main")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def demo() -> AsyncIterator[DemoProcess]:
    async with demo_process("--redis-url", REDIS_URL) as running:
        await running.wait_ready()
        yield running
        assert await running.stop() == 0


async def say(page: Page, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def test_a_member_sees_the_balances_and_refreshes_them_in_place(page: Page, demo: DemoProcess) -> None:
    await page.goto(demo.page_url)
    await page.wait_for_selector("body[data-ready=true]")
    bot_rows = page.locator("#messages .row.from-bot")

    await say(page, "/start")
    await expect(bot_rows.first).to_contain_text("alice", timeout=BOT_REPLY_TIMEOUT_MS)

    await say(page, "/balance")
    balances = bot_rows.filter(has_text=BALANCE_ACCOUNTS[0])
    await expect(balances).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    for account in BALANCE_ACCOUNTS:
        await expect(balances).to_contain_text(account)
    await expect(balances).to_contain_text("BTC")
    await expect(balances.locator(".text b").first).to_be_visible()  # the bot's HTML, formatted
    await expect(balances.locator(".edited")).to_have_count(0)
    if path := os.environ.get("CHATOPS_DEMO_SCREENSHOT"):
        # Tall enough for the whole balance message under the greeting.
        await page.set_viewport_size({"width": 1280, "height": 1280})
        await page.locator("#messages").evaluate("(box) => { box.scrollTop = box.scrollHeight; }")
        await page.screenshot(path=path)

    # Money arrives on the exchange (its simulator's control route), then Refresh shows it.
    before = await balances.locator(".text").inner_text()
    message_id = await balances.get_attribute("data-message-id")
    incorex = demo.simulator_urls["incorex"]
    deposit = {"account": DEMO_ACCOUNT, "asset": "USDT", "amount": "1000"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{incorex}/_control/deposit", json=deposit) as sent,
    ):
        assert sent.status == 200, await sent.text()
    await balances.get_by_role("button", name="Refresh").click()
    same = page.locator(f'#messages .row[data-message-id="{message_id}"]')
    await expect(same.locator(".edited")).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    assert await same.locator(".text").inner_text() != before
    await expect(bot_rows).to_have_count(2)  # edited in place, not sent again
