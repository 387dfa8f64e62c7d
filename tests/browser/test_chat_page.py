"""The chat page against a bare emulator: the test plays the bot through the Bot API, so each test
controls exactly the HTML, keyboards, edits and photos the page has to show."""

from __future__ import annotations

import asyncio
import struct
import zlib
from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import ALICE, BOB, BotApi

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

KEYBOARD = {
    "inline_keyboard": [
        [{"text": "🔄 Refresh", "callback_data": "r:1"}, {"text": "Next ▶", "callback_data": "n:2"}],
        [{"text": "Docs", "url": "https://example.com/docs"}],
    ]
}


def png(width: int, height: int) -> bytes:
    """A real (grey) PNG, so the browser decodes it as the chart image it stands for."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x99" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def open_chat(page: Page, base_url: str, user: int | None = None) -> None:
    await page.goto(f"{base_url}/" + (f"#user={user}" if user else ""))
    await page.wait_for_selector("body[data-ready=true]")


def row(page: Page, message: dict[str, Any]) -> Locator:
    return page.locator(f'#messages .row[data-message-id="{message["message_id"]}"]')


async def until(predicate: Any, timeout: float = 5.0) -> Any:  # noqa: ASYNC109
    """Poll an async callable until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await predicate()
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.05)


async def test_the_page_offers_the_team_and_acts_as_the_first_member(page: Page, emulator_url: str) -> None:
    await open_chat(page, emulator_url)
    await expect(page.locator("#users li")).to_have_count(2)
    await expect(page.locator("#users .user.active")).to_contain_text("alice")
    await expect(page.locator("#users li").nth(1)).to_contain_text("approver")
    await expect(page.locator("#me")).to_contain_text("alice")


async def test_a_typed_message_reaches_the_bot_from_the_chosen_member(
    page: Page, emulator_url: str, bot: BotApi
) -> None:
    await open_chat(page, emulator_url)
    await page.fill("#text", "/start")
    await page.press("#text", "Enter")
    await expect(page.locator(".row.from-me .text")).to_have_text("/start")
    [update] = await bot.updates()
    assert update["message"]["from"]["id"] == ALICE
    assert update["message"]["text"] == "/start"
    await expect(page.locator("#text")).to_have_value("")


async def test_bot_html_keeps_telegram_formatting_and_shows_anything_else_as_text(
    page: Page, emulator_url: str, bot: BotApi
) -> None:
    await open_chat(page, emulator_url)
    html = (
        "<b>Balances</b> of <i>incorex-main</i>\n<code>BTC 1.5</code> &lt;script&gt;alert(1)&lt;/script&gt;"
        ' <a href="https://example.com/x">docs</a> <tg-spoiler>hidden</tg-spoiler> <u>under</u> <s>gone</s>'
        '\n<pre><code class="language-text">a  b</code></pre><blockquote>quoted <b>bold</b></blockquote>'
    )
    sent = await bot.call("sendMessage", chat_id=ALICE, text=html, parse_mode="HTML")
    text = row(page, sent).locator(".text")
    await expect(text.locator("b").first).to_have_text("Balances")
    await expect(text.locator("i")).to_have_text("incorex-main")
    await expect(text.locator("code").first).to_have_text("BTC 1.5")
    await expect(text).to_contain_text("<script>alert(1)</script>")
    assert await text.locator("script").count() == 0
    link = text.locator("a")
    await expect(link).to_have_attribute("href", "https://example.com/x")
    await expect(link).to_have_attribute("rel", "noopener noreferrer")
    await expect(text.locator(".spoiler")).to_have_text("hidden")
    await expect(text.locator("u")).to_have_text("under")
    await expect(text.locator("s")).to_have_text("gone")
    await expect(text.locator("pre")).to_have_text("a  b")
    await expect(text.locator("blockquote b")).to_have_text("bold")  # nested entities stay nested


async def test_links_to_unsafe_schemes_are_shown_unlinked(page: Page, emulator_url: str, bot: BotApi) -> None:
    await open_chat(page, emulator_url)
    entities = [{"type": "text_link", "offset": 0, "length": 5, "url": "javascript:alert(1)"}]
    sent = await bot.call("sendMessage", chat_id=ALICE, text="click here", entities=entities)
    text = row(page, sent).locator(".text")
    await expect(text).to_have_text("click here")
    assert await text.locator("a").count() == 0
    await expect(text.locator(".link-disabled")).to_have_text("click")


async def test_the_telegram_html_parser_only_builds_telegram_tags(page: Page, emulator_url: str) -> None:
    await open_chat(page, emulator_url)
    result = await page.evaluate(
        """async (source) => {
            const { renderTelegramHtml } = await import("/chat/render.js");
            const box = document.createElement("div");
            box.append(renderTelegramHtml(source));
            document.body.append(box);  // attached, so an event handler would have had its chance
            await new Promise((resolve) => setTimeout(resolve, 100));
            return { html: box.innerHTML, text: box.textContent, pwned: window.pwned === 1 };
        }""",
        '<img src=x onerror="window.pwned=1"><b>ok</b> <a href="javascript:window.pwned=1">js</a>'
        ' <a href="https://e.com/">e</a> <span class="tg-spoiler">sp</span> &lt;i&gt; &amp;amp; <i>it</i>',
    )
    assert not result["pwned"]
    assert '&lt;img src=x onerror="window.pwned=1"&gt;' in result["html"]  # shown, not built
    assert "<b>ok</b>" in result["html"] and "<i>it</i>" in result["html"]
    assert "javascript:" not in result["html"].replace('"window.pwned=1"', "")
    assert '<a href="https://e.com/"' in result["html"]
    assert '<span class="spoiler"' in result["html"]
    assert "<i> &amp; it" in result["text"]  # one level of character references is decoded


async def test_a_photo_shows_with_its_html_caption(page: Page, emulator_url: str, bot: BotApi) -> None:
    await open_chat(page, emulator_url)
    sent = await bot.send_photo(ALICE, png(64, 32), caption="<b>BTC/USDT</b> 1h", parse_mode="HTML")
    image = row(page, sent).locator("img")
    await expect(image).to_be_visible()
    file_id = sent["photo"][-1]["file_id"]
    assert (await image.get_attribute("src")) == f"/control/files/{file_id}"
    assert await image.evaluate("(img) => img.complete && img.naturalWidth") == 64
    await expect(row(page, sent).locator(".text b")).to_have_text("BTC/USDT")


async def test_an_edit_changes_the_message_in_place(page: Page, emulator_url: str, bot: BotApi) -> None:
    await open_chat(page, emulator_url)
    sent = await bot.call("sendMessage", chat_id=ALICE, text="Price: <b>100</b>", parse_mode="HTML")
    await expect(row(page, sent)).to_contain_text("Price: 100")
    await expect(row(page, sent).locator(".edited")).to_have_count(0)
    await bot.call(
        "editMessageText",
        chat_id=ALICE,
        message_id=sent["message_id"],
        text="Price: <b>101</b>",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )
    await expect(row(page, sent).locator(".text")).to_have_text("Price: 101")
    await expect(row(page, sent).locator(".edited")).to_have_text("edited")
    await expect(row(page, sent).locator(".key")).to_have_count(3)
    await expect(page.locator("#messages .row")).to_have_count(1)


async def test_a_deleted_message_goes_away(page: Page, emulator_url: str, bot: BotApi) -> None:
    await open_chat(page, emulator_url)
    sent = await bot.call("sendMessage", chat_id=ALICE, text="soon gone")
    await expect(row(page, sent)).to_be_visible()
    await bot.call("deleteMessage", chat_id=ALICE, message_id=sent["message_id"])
    await expect(row(page, sent)).to_have_count(0)


async def test_a_button_press_reaches_the_bot_as_the_member_and_shows_the_answer(
    page: Page, emulator_url: str, bot: BotApi
) -> None:
    await open_chat(page, emulator_url)
    sent = await bot.call("sendMessage", chat_id=ALICE, text="Balances", reply_markup=KEYBOARD)
    docs = row(page, sent).locator("a.key")
    await expect(docs).to_have_attribute("href", "https://example.com/docs")
    refresh = row(page, sent).get_by_role("button", name="Refresh")
    await refresh.click()
    await expect(refresh).to_have_class("key pending")

    async def pressed() -> list[dict[str, Any]]:
        return [u["callback_query"] for u in await bot.updates() if "callback_query" in u]

    [query] = await until(pressed)
    assert (query["from"]["id"], query["data"]) == (ALICE, "r:1")
    assert query["message"]["message_id"] == sent["message_id"]
    await bot.call("answerCallbackQuery", callback_query_id=query["id"], text="Refreshed")
    await expect(page.locator("#toast")).to_have_text("Refreshed")
    await expect(refresh).to_have_class("key")


async def test_an_answer_that_arrives_before_the_press_reply_still_releases_the_button(
    page: Page, emulator_url: str, bot: BotApi
) -> None:
    """The answer comes over the event stream, the press's id over its own HTTP reply: either may be
    first, and a button whose answer came first must not spin until the page gives up on it."""
    answered = asyncio.Event()

    async def hold_the_press_reply(route: Any) -> None:
        response = await route.fetch()
        await answered.wait()
        await route.fulfill(response=response)

    await page.route("**/control/press", hold_the_press_reply)
    await open_chat(page, emulator_url)
    sent = await bot.call("sendMessage", chat_id=ALICE, text="Held", reply_markup=KEYBOARD)
    refresh = row(page, sent).get_by_role("button", name="Refresh")
    await refresh.click()

    async def pressed() -> list[dict[str, Any]]:
        return [u["callback_query"] for u in await bot.updates() if "callback_query" in u]

    [query] = await until(pressed)
    await bot.call("answerCallbackQuery", callback_query_id=query["id"], text="Early")
    await expect(page.locator("#toast")).to_have_text("Early")
    answered.set()
    await expect(refresh).to_have_class("key")
    await expect(refresh).to_be_enabled()


async def test_switching_member_shows_their_chat_and_counts_what_they_missed(
    page: Page, emulator_url: str, bot: BotApi
) -> None:
    await open_chat(page, emulator_url)
    await bot.call("sendMessage", chat_id=ALICE, text="for alice")
    await bot.call("sendMessage", chat_id=BOB, text="Approve the withdrawal?", reply_markup=KEYBOARD)
    bob = page.locator(f'#users li[data-user-id="{BOB}"]')
    await expect(bob.locator(".badge")).to_have_text("1")
    await expect(bob.locator(".preview")).to_have_text("Approve the withdrawal?")
    await expect(page.locator("#messages")).not_to_contain_text("Approve")

    await bob.locator("button").click()
    await expect(page.locator("#me")).to_contain_text("bob")
    await expect(page.locator("#messages")).to_contain_text("Approve the withdrawal?")
    await expect(page.locator("#messages")).not_to_contain_text("for alice")
    await expect(bob.locator(".badge")).to_have_count(0)
    await page.fill("#text", "hi from bob")
    await page.press("#text", "Enter")
    await expect(page.locator(".row.from-me .text")).to_have_text("hi from bob")
    messages = [u["message"] for u in await bot.updates() if "message" in u]
    assert [(m["from"]["id"], m["chat"]["id"]) for m in messages] == [(BOB, BOB)]
    assert page.url.endswith(f"#user={BOB}")  # a reload stays with bob


async def test_the_command_menu_lists_the_bots_commands_in_the_members_language(
    page: Page, emulator_url: str, bot: BotApi
) -> None:
    english = [
        {"command": "start", "description": "Start"},
        {"command": "balance", "description": "Balances"},
    ]
    await bot.call("setMyCommands", commands=english)
    await bot.call(
        "setMyCommands", commands=[{"command": "balance", "description": "Балансы"}], language_code="ru"
    )
    await open_chat(page, emulator_url)
    await page.click("#menu")
    commands = page.locator("#commands .command")
    await expect(commands).to_have_count(2)
    await expect(commands.nth(1)).to_contain_text("Balances")
    await commands.nth(1).click()
    await expect(page.locator(".row.from-me .text")).to_have_text("/balance")
    await expect(page.locator("#commands")).to_be_hidden()


async def test_a_chat_action_shows_in_the_header(page: Page, emulator_url: str, bot: BotApi) -> None:
    await open_chat(page, emulator_url)
    await bot.call("sendChatAction", chat_id=ALICE, action="upload_photo")
    status = page.locator("#bot-status")
    await expect(status).to_have_class("status acting")
    await expect(status).to_have_attribute("data-action", "sending a photo…")
    await bot.call("sendMessage", chat_id=ALICE, text="here it is")
    await expect(status).to_have_class("status")  # a message ends the action, as in Telegram


async def test_commands_and_links_in_plain_text_are_clickable_except_in_code(
    page: Page, emulator_url: str, bot: BotApi
) -> None:
    await open_chat(page, emulator_url)
    html = "Try /balance or see https://example.com/x. Not BTC/USDT, not <code>/literal</code>"
    sent = await bot.call("sendMessage", chat_id=ALICE, text=html, parse_mode="HTML")
    text = row(page, sent).locator(".text")
    await expect(text).to_have_text("Try /balance or see https://example.com/x. Not BTC/USDT, not /literal")
    await expect(text.locator(".bot-command")).to_have_text(["/balance"])
    await expect(text.locator("a")).to_have_attribute("href", "https://example.com/x")  # without the "."
    await text.locator(".bot-command").click()
    await expect(page.locator(".row.from-me .text")).to_have_text("/balance")
    messages = [u["message"] for u in await bot.updates() if "message" in u]
    assert [m["text"] for m in messages] == ["/balance"]
