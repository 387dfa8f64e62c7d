"""The emulator as aiogram's real HTTP client sees it: objects, updates, validation, edits, files."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError, TelegramUnauthorizedError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)

from sandbox.telegram.client import EmulatorClient

from .conftest import ALICE, BOT_ID, make_bot

# A 2x1 PNG: enough for the emulator to read its size, as Telegram does before accepting a photo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000010806000000f478d4fa"
    "0000000d49444154789c6360f8cfc0f01f0007fe02fe5c3b62d30000000049454e44ae426082"
)


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data) for text, data in pairs]]
    )


async def test_get_me_derives_the_bot_from_the_token(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == BOT_ID
    assert me.is_bot
    assert me.username == "chatops_test_bot"


async def test_malformed_token_is_unauthorized(base_url: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(f"{base_url}/botnot-a-token/getMe") as resp:
        assert resp.status == 401
        assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unauthorized_maps_to_aiogram_error(base_url: str) -> None:
    bot = make_bot(base_url, "123:" + "x" * 101)  # aiogram accepts it, the emulator's token rule does not
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await bot.get_me()
    finally:
        await bot.session.close()


async def test_get_updates_confirms_with_offset(bot: Bot, client: EmulatorClient) -> None:
    await client.send(ALICE, "/start", first_name="Alice", language_code="ru")
    await client.send(ALICE, "hello")
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first if u.message] == ["/start", "hello"]
    start = first[0].message
    assert start is not None and start.from_user is not None and start.entities is not None
    assert start.chat.id == ALICE and start.chat.type == "private"
    assert start.from_user.language_code == "ru"
    assert (start.entities[0].type, start.entities[0].offset, start.entities[0].length) == (
        "bot_command",
        0,
        6,
    )

    again = await bot.get_updates(offset=first[0].update_id + 1, timeout=0)
    assert [u.update_id for u in again] == [first[1].update_id]
    assert await bot.get_updates(offset=first[1].update_id + 1, timeout=0) == []


async def test_long_poll_returns_when_an_update_arrives(bot: Bot, client: EmulatorClient) -> None:
    import asyncio

    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    await client.send(ALICE, "wake up")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message is not None and updates[0].message.text == "wake up"


async def test_a_second_poller_terminates_the_first(bot: Bot, base_url: str) -> None:
    import asyncio

    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    second_bot = make_bot(base_url)
    try:
        second = asyncio.create_task(second_bot.get_updates(timeout=1))
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 2)
        assert await second == []
    finally:
        await second_bot.session.close()


async def test_html_is_parsed_and_both_forms_are_stored(bot: Bot, client: EmulatorClient) -> None:
    html = '<b>Balance</b> of <a href="https://example.com">main</a>: 1 &lt; 2 &amp; <code>BTC</code>'
    sent = await bot.send_message(ALICE, html, parse_mode="HTML")
    assert sent.text == "Balance of main: 1 < 2 & BTC"
    assert sent.entities is not None
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 7),
        ("text_link", 11, 4),
        ("code", 25, 3),
    ]
    [stored] = await client.messages(ALICE)
    assert (
        stored.from_bot and stored.html == html and stored.text == sent.text and stored.parse_mode == "HTML"
    )


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<b>bold", "Can't find end tag corresponding to start tag b"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("price <div>1</div>", 'Unsupported start tag "div" at byte offset 6'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("a &nbsp; b", "Unsupported HTML entity"),
    ],
)
async def test_bad_html_is_rejected_like_telegram(
    bot: Bot, client: EmulatorClient, html: str, detail: str
) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities") as caught:
        await bot.send_message(ALICE, html, parse_mode="HTML")
    assert detail in caught.value.message
    assert await client.messages(ALICE) == []


async def test_text_length_limits(bot: Bot) -> None:
    await bot.send_message(ALICE, "x" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(ALICE, "x" * 4097)
    # the limit applies after entity parsing: markup does not count
    await bot.send_message(ALICE, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(ALICE, "<b></b>", parse_mode="HTML")


async def test_callback_data_is_limited_to_64_bytes(bot: Bot) -> None:
    await bot.send_message(ALICE, "ok", reply_markup=keyboard(("Confirm", "c" * 64)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE, "too long", reply_markup=keyboard(("Confirm", "c" * 65)))
    # bytes, not characters: 33 two-byte letters are 66 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE, "too long", reply_markup=keyboard(("Confirm", "я" * 33)))


async def test_reply_to_an_unknown_message_is_rejected(bot: Bot) -> None:
    first = await bot.send_message(ALICE, "first")
    reply = await bot.send_message(
        ALICE, "second", reply_parameters=ReplyParameters(message_id=first.message_id)
    )
    assert reply.reply_to_message is not None and reply.reply_to_message.message_id == first.message_id
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(ALICE, "third", reply_parameters=ReplyParameters(message_id=999))


async def test_edit_text_keeps_history_and_detects_no_change(bot: Bot, client: EmulatorClient) -> None:
    sent = await bot.send_message(ALICE, "Withdraw 1 BTC?", reply_markup=keyboard(("✅ Confirm", "cf:1")))
    edited = await bot.edit_message_text(
        text="<b>Withdrawal sent</b>", chat_id=ALICE, message_id=sent.message_id, parse_mode="HTML"
    )
    assert not isinstance(edited, bool)
    assert edited.edit_date is not None and edited.text == "Withdrawal sent"
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard, as on Telegram

    [stored] = await client.messages(ALICE)
    assert stored.edited and stored.text == "Withdrawal sent" and stored.html == "<b>Withdrawal sent</b>"
    assert [version["text"] for version in stored.history] == ["Withdraw 1 BTC?"]
    assert stored.history[0]["buttons"][0][0]["callback_data"] == "cf:1"
    assert stored.buttons == []

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="<b>Withdrawal sent</b>", chat_id=ALICE, message_id=sent.message_id, parse_mode="HTML"
        )
    assert len((await client.messages(ALICE))[0].history) == 1


async def test_edit_reply_markup_and_unknown_messages(bot: Bot, client: EmulatorClient) -> None:
    sent = await bot.send_message(ALICE, "pick", reply_markup=keyboard(("A", "a")))
    await bot.edit_message_reply_markup(
        chat_id=ALICE, message_id=sent.message_id, reply_markup=keyboard(("B", "b"))
    )
    assert (await client.messages(ALICE))[0].button_labels == ["B"]
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=ALICE, message_id=sent.message_id, reply_markup=keyboard(("B", "b"))
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=ALICE, message_id=999)
    assert await bot.delete_message(ALICE, sent.message_id)
    assert (await client.messages(ALICE))[0].deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(ALICE, sent.message_id)


async def test_send_photo_and_document_are_stored_and_fetchable(bot: Bot, client: EmulatorClient) -> None:
    photo = await bot.send_photo(
        ALICE, BufferedInputFile(PNG, "chart.png"), caption="<i>BTC/USDT</i> 1h", parse_mode="HTML"
    )
    assert photo.photo is not None and (photo.photo[-1].width, photo.photo[-1].height) == (2, 1)
    assert photo.caption == "BTC/USDT 1h" and photo.caption_entities is not None
    doc = await bot.send_document(ALICE, BufferedInputFile(b"a,b\n1,2\n", "orders.csv"))
    assert doc.document is not None and doc.document.file_name == "orders.csv"

    stored_photo, stored_doc = await client.messages(ALICE)
    assert stored_photo.photo is not None and stored_photo.caption == "BTC/USDT 1h"
    assert await client.file(stored_photo.photo.url) == PNG
    assert stored_doc.document is not None and await client.file(stored_doc.document.file_id) == b"a,b\n1,2\n"

    again = await bot.send_photo(ALICE, photo.photo[-1].file_id)  # re-sending by file_id
    assert again.photo is not None and again.photo[-1].file_id == photo.photo[-1].file_id

    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(ALICE, BufferedInputFile(b"not an image", "x.png"))
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(ALICE, BufferedInputFile(PNG, "c.png"), caption="x" * 1025)


async def test_set_my_commands_per_language_and_scope(bot: Bot, client: EmulatorClient) -> None:
    english = [
        BotCommand(command="balance", description="Balances"),
        BotCommand(command="help", description="Help"),
    ]
    russian = [BotCommand(command="balance", description="Балансы")]
    assert await bot.set_my_commands(english)
    assert await bot.set_my_commands(russian, language_code="ru")
    assert await bot.set_my_commands(russian, scope=BotCommandScopeAllPrivateChats(), language_code="ru")

    assert [c.command for c in await bot.get_my_commands()] == ["balance", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="ru")] == ["Балансы"]
    assert await bot.get_my_commands(language_code="tr") == []

    stored = {(c["scope"]["type"], c["language_code"]): c["commands"] for c in await client.commands()}
    assert set(stored) == {("default", None), ("default", "ru"), ("all_private_chats", "ru")}
    assert stored[("default", None)][1] == {"command": "help", "description": "Help"}

    await bot.delete_my_commands(language_code="ru")
    assert await bot.get_my_commands(language_code="ru") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Command", description="x")])


async def test_chat_action_and_call_log(bot: Bot, client: EmulatorClient) -> None:
    assert await bot.send_chat_action(ALICE, "typing")
    await bot.send_photo(ALICE, BufferedInputFile(PNG, "p.png"))
    calls = await client.calls()
    assert [c["method"] for c in calls] == ["sendChatAction", "sendPhoto"]
    photo_param = calls[1]["params"]["photo"]
    assert photo_param.startswith("attach://")
    # the bytes themselves stay out of the log; only their name and size are kept
    assert {"filename": "p.png", "size": len(PNG)} in calls[1]["params"].values()
    with pytest.raises(TelegramBadRequest):
        await bot.send_chat_action(ALICE, "dancing")
