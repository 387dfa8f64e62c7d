"""Headless Chromium (Debian's package, driven by Playwright) and an emulator serving the chat page.

Chromium missing is a failure, not a skip: CI installs it (`.ci/run`), so a skip would hide a broken
CI machine. `CHATOPS_CHROMIUM` points at another binary.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, ConsoleMessage, Page, ViewportSize, async_playwright

from sandbox.telegram.chat import ChatUser
from sandbox.telegram.client import running_emulator

CHROMIUM = os.environ.get("CHATOPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1100, "height": 720}
TOKEN = "777000:BrowserTest"
USERS = (ChatUser(1001, "alice", "admin"), ChatUser(1002, "bob", "approver"))
ALICE, BOB = USERS[0].id, USERS[1].id


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    return CHROMIUM


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        # Playwright's own browser downloads are not used: Debian's build is what CI installs.
        launched = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


class PageErrors:
    """Script errors and failed loads the page reports; a test ends by asserting there are none."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location}")


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport=VIEWPORT)
    opened = await context.new_page()
    errors = PageErrors(opened)
    yield opened
    await context.close()
    assert not errors.errors, errors.errors


class BotApi:
    """The test plays the bot: raw Bot API calls, so exactly the HTML and markup under test are sent."""

    def __init__(self, base_url: str, http: aiohttp.ClientSession) -> None:
        self.base_url = base_url
        self.http = http

    async def call(self, method: str, **params: Any) -> Any:
        async with self.http.post(f"{self.base_url}/bot{TOKEN}/{method}", json=params) as response:
            body = await response.json()
        assert body["ok"], body
        return body["result"]

    async def send_photo(self, chat_id: int, photo: bytes, **params: Any) -> Any:
        form = aiohttp.FormData()
        form.add_field("chat_id", str(chat_id))
        for name, value in params.items():
            form.add_field(name, value if isinstance(value, str) else json.dumps(value))
        form.add_field("photo", photo, filename="chart.png", content_type="image/png")
        async with self.http.post(f"{self.base_url}/bot{TOKEN}/sendPhoto", data=form) as response:
            body = await response.json()
        assert body["ok"], body
        return body["result"]

    async def updates(self) -> list[dict[str, Any]]:
        return list(await self.call("getUpdates", timeout=0))

    async def control(self, path: str) -> Any:
        async with self.http.get(f"{self.base_url}/control/{path}") as response:
            return await response.json()


@pytest_asyncio.fixture(loop_scope="module")
async def emulator_url() -> AsyncIterator[str]:
    async with running_emulator(chat_page=True, chat_users=USERS) as (base_url, _app):
        yield base_url


@pytest_asyncio.fixture(loop_scope="module")
async def bot(emulator_url: str) -> AsyncIterator[BotApi]:
    async with aiohttp.ClientSession() as http:
        api = BotApi(emulator_url, http)
        await api.call("getMe")  # the emulator now knows the bot, so chats are its chats
        yield api
