"""Orders in the demo, in the browser: `python -m bot demo` running, a person on the chat page as carol
(a trader) placing and cancelling orders, and as dave (a viewer) being refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from tests.browser.test_demo_chat import BOT_REPLY_TIMEOUT_MS, say
from tests.conftest import REDIS_URL
from tests.e2e.test_demo import DemoProcess, demo_process

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

CAROL, DAVE = 1003, 1005
ACCOUNT = "iqfinex-main"
# every order placed through the bot in the browser leaves at most once: the result replaces the buttons
EXECUTE_TIMEOUT_MS = 60_000


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def demo() -> AsyncIterator[DemoProcess]:
    async with demo_process("--redis-url", REDIS_URL) as running:
        await running.wait_ready()
        yield running
        assert await running.stop() == 0


async def open_as(page: Page, demo: DemoProcess, user: int) -> None:
    await page.goto(f"{demo.page_url}#user={user}")
    await page.wait_for_selector("body[data-ready=true]")


async def test_carol_places_an_order_from_command_to_result(page: Page, demo: DemoProcess) -> None:
    await open_as(page, demo, CAROL)
    bot_rows = page.locator("#messages .row.from-bot")

    await say(page, f"/buy {ACCOUNT} BTC/USDT 0.001")
    shown = bot_rows.filter(has_text="Order preview")
    await expect(shown).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    await expect(shown).to_contain_text("Buy · market")
    await expect(shown).to_contain_text("Estimated total")

    await shown.get_by_role("button", name="Confirm").click()
    await expect(shown.locator(".edited")).to_be_visible(timeout=EXECUTE_TIMEOUT_MS)
    await expect(shown).to_contain_text("Placed: order", timeout=EXECUTE_TIMEOUT_MS)
    await expect(shown.get_by_role("button")).to_have_count(0)  # no second press possible
    await expect(bot_rows.filter(has_text="Order preview")).to_have_count(1)  # edited in place


async def test_carol_cancels_an_open_order_from_the_orders_list(page: Page, demo: DemoProcess) -> None:
    await open_as(page, demo, CAROL)
    bot_rows = page.locator("#messages .row.from-bot")

    await say(page, f"/orders {ACCOUNT}")
    listing = bot_rows.filter(has_text="Open orders")
    await expect(listing).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    await listing.get_by_role("button", name="Cancel").first.click()

    asked = bot_rows.filter(has_text="Cancel order?")
    await expect(asked).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    await asked.get_by_role("button", name="Confirm").click()
    await expect(asked).to_contain_text("cancelled at the exchange", timeout=EXECUTE_TIMEOUT_MS)


async def test_dave_the_viewer_is_refused(page: Page, demo: DemoProcess) -> None:
    await open_as(page, demo, DAVE)
    bot_rows = page.locator("#messages .row.from-bot")

    await say(page, f"/sell {ACCOUNT} BTC/USDT 0.001")
    await expect(bot_rows.filter(has_text="This needs the trader role.")).to_be_visible(
        timeout=BOT_REPLY_TIMEOUT_MS
    )
    await say(page, f"/orders {ACCOUNT}")
    listing = bot_rows.filter(has_text="Open orders")
    await expect(listing).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    await expect(listing.get_by_role("button", name="Refresh")).to_be_visible()
    await expect(listing.get_by_role("button", name="Cancel")).to_have_count(0)
