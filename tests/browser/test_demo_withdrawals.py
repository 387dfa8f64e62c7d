"""A withdrawal in the demo, in the browser, end to end: carol requests it on the chat page, bob approves it
there with a step-up code made from the test secret the demo prints, the Indodax simulator asks the bot's
callback before it moves anything, and the txid reaches carol's chat once the watcher sees it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pyotp
import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from tests.browser.test_demo_chat import BOT_REPLY_TIMEOUT_MS, say
from tests.conftest import REDIS_URL
from tests.e2e.test_demo import DemoProcess, demo_process

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

BOB, CAROL = 1002, 1003
ACCOUNT = "indodax-main"
ADDRESS = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"  # the one the README suggests
EXECUTE_TIMEOUT_MS = 60_000
# the demo's Indodax completes a withdrawal after 15 s and the watcher looks every 15 s
TXID_TIMEOUT_MS = 120_000


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def demo() -> AsyncIterator[DemoProcess]:
    async with demo_process("--redis-url", REDIS_URL) as running:
        await running.wait_ready()
        yield running
        assert await running.stop() == 0


async def be(page: Page, user: int) -> None:
    """Picks who the person on the chat page is, as a person does: in the list of people."""
    await page.locator(f'#users li[data-user-id="{user}"] button.user').click()
    await expect(page.locator(f'#users li[data-user-id="{user}"] button.user.active')).to_be_visible()


async def callbacks_seen(demo: DemoProcess) -> list[dict[str, str]]:
    url = f"{demo.simulator_urls['indodax']}/_control/indodax/callbacks"
    async with aiohttp.ClientSession() as http, http.get(url) as reply:
        assert reply.status == 200, await reply.text()
        seen: list[dict[str, str]] = (await reply.json())["callbacks"]
        return seen


async def test_carol_requests_bob_approves_with_a_code_and_the_txid_arrives(
    page: Page, demo: DemoProcess
) -> None:
    secret = demo.field(r"bob's test secret is (\w+)")  # what a person reads in the banner
    await page.goto(f"{demo.page_url}#user={CAROL}")
    await page.wait_for_selector("body[data-ready=true]")
    bot_rows = page.locator("#messages .row.from-bot")

    await say(page, f"/withdraw {ACCOUNT} BTC 0.01 {ADDRESS}")
    preview = bot_rows.filter(has_text="Withdrawal preview: BTC")
    await expect(preview).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    # Confirm turns the preview into the request as it stands: followed by its message id from here on
    shown = bot_rows.and_(
        page.locator(f'[data-message-id="{await preview.get_attribute("data-message-id")}"]')
    )
    await shown.get_by_role("button", name="Confirm").click()
    await expect(shown).to_contain_text("Waiting for approval: 0 of 1", timeout=BOT_REPLY_TIMEOUT_MS)
    assert await callbacks_seen(demo) == []  # nothing reaches the exchange before an approval

    await be(page, BOB)
    asked = bot_rows.filter(has_text="Withdrawal request from carol")
    await expect(asked).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    await expect(asked).to_contain_text(ADDRESS)
    await asked.get_by_role("button", name="Approve").click()
    # above the demo's step-up value: the press asks for a code, in bob's private chat (this one)
    alert = page.locator("#alert")
    await expect(alert).to_contain_text("needs a code", timeout=BOT_REPLY_TIMEOUT_MS)
    await alert.get_by_role("button", name="OK").click()
    await expect(bot_rows.filter(has_text="send the 6-digit code")).to_be_visible(
        timeout=BOT_REPLY_TIMEOUT_MS
    )
    await say(page, pyotp.TOTP(secret).now())
    await expect(asked).to_contain_text("Sent: withdrawal", timeout=EXECUTE_TIMEOUT_MS)
    await expect(asked.get_by_role("button")).to_have_count(0)

    # Indodax asked the bot's callback about exactly this withdrawal before it moved anything
    (callback,) = await callbacks_seen(demo)
    assert callback["withdraw_address"] == ADDRESS and callback["withdraw_currency"].lower() == "btc"

    await be(page, CAROL)
    # each step reaches carol: the approval, the exchange's withdrawal id, then the txid
    await expect(bot_rows.filter(has_text="Sent: withdrawal")).to_be_visible(timeout=BOT_REPLY_TIMEOUT_MS)
    txid = bot_rows.filter(has_text=f"Withdrawal of 0.01 BTC from {ACCOUNT}").filter(has_text="Txid")
    await expect(txid.first).to_be_visible(timeout=TXID_TIMEOUT_MS)
    text = await txid.first.inner_text()
    assert re.search(r"Txid: \S{16,}", text), text
