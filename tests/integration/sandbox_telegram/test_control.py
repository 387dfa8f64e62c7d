"""Users talking to a real aiogram Dispatcher through the control API: messages, buttons, waits, events."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox.telegram.client import EmulatorClient, EmulatorError

from .conftest import ALICE, BOB

GROUP = -100500


def build_router() -> Router:
    router = Router()

    @router.message(F.text == "/withdraw")
    async def withdraw(message: Message) -> None:
        buttons = [
            InlineKeyboardButton(text="✅ Confirm", callback_data="wd:confirm:7"),
            InlineKeyboardButton(text="❌ Cancel", callback_data="wd:cancel:7"),
        ]
        markup = InlineKeyboardMarkup(inline_keyboard=[buttons])
        await message.answer("Withdraw <b>1 BTC</b>?", parse_mode="HTML", reply_markup=markup)

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text} from {message.chat.type} {message.chat.id}")

    @router.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer(f"got {query.data}")
        if isinstance(query.message, Message):
            await query.message.edit_text(f"done: {query.data}")

    return router


@pytest.fixture
async def polling(bot: Bot) -> AsyncIterator[Dispatcher]:
    dispatcher = Dispatcher()
    dispatcher.include_router(build_router())
    task = asyncio.create_task(dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False))
    yield dispatcher
    with contextlib.suppress(RuntimeError):
        await dispatcher.stop_polling()
    await asyncio.wait_for(task, 10)


async def test_dispatcher_answers_a_message(polling: Dispatcher, client: EmulatorClient) -> None:
    await client.send(ALICE, "hello")
    reply = await client.wait_for(
        ALICE, lambda m: m.text is not None and m.text.startswith("echo"), timeout=5
    )
    assert reply.text == f"echo: hello from private {ALICE}"
    assert [m.from_bot for m in await client.messages(ALICE)] == [False, True]


async def test_group_chat_has_negative_id(polling: Dispatcher, client: EmulatorClient) -> None:
    user_message = await client.send(BOB, "hi all", chat_id=GROUP, chat_type="supergroup", chat_title="Desk")
    assert user_message.chat_id == GROUP and not user_message.from_bot
    reply = await client.wait_for(GROUP, timeout=5)
    assert reply.text == f"echo: hi all from supergroup {GROUP}"
    with pytest.raises(EmulatorError, match="negative"):
        await client.send(BOB, "bad", chat_id=5, chat_type="group")


async def test_pressing_a_button_delivers_the_callback(polling: Dispatcher, client: EmulatorClient) -> None:
    await client.send(ALICE, "/withdraw")
    preview = await client.wait_for(ALICE, lambda m: m.button("Confirm") is not None, timeout=5)
    assert preview.html == "Withdraw <b>1 BTC</b>?" and preview.text == "Withdraw 1 BTC?"

    query_id = await client.press(ALICE, ALICE, preview.message_id, text="confirm")
    answer = await client.callback_answer(query_id, timeout=5)
    assert answer.answered and answer.text == "got wd:confirm:7" and answer.data == "wd:confirm:7"

    edited = await client.wait_for(ALICE, lambda m: m.edited, timeout=5)
    assert edited.message_id == preview.message_id and edited.text == "done: wd:confirm:7"
    assert edited.history[0]["text"] == "Withdraw 1 BTC?"

    with pytest.raises(EmulatorError, match="no such callback button"):
        await client.press(ALICE, ALICE, preview.message_id, text="Approve")  # the edit removed the keyboard


async def test_press_by_exact_data_and_the_callback_query_shape(bot: Bot, client: EmulatorClient) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Approve", callback_data="ap:1")]]
    )
    sent = await bot.send_message(ALICE, "Request #1", reply_markup=markup)
    query_id = await client.press(ALICE, ALICE, sent.message_id, data="ap:1")
    [update] = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "ap:1"
    assert query.from_user.id == ALICE and query.chat_instance
    assert isinstance(query.message, Message) and query.message.message_id == sent.message_id
    unanswered = await client.callback_answer(query_id, timeout=0)
    assert not unanswered.answered
    assert await bot.answer_callback_query(query_id, text="Approved", show_alert=True)
    answered = await client.callback_answer(query_id)
    assert answered.text == "Approved" and answered.show_alert
    with pytest.raises(EmulatorError, match="no such callback button"):
        await client.press(ALICE, ALICE, sent.message_id, data="ap:2")


async def test_wait_by_message_id_returns_newer_bot_messages(bot: Bot, client: EmulatorClient) -> None:
    first = await bot.send_message(ALICE, "one")
    second = await bot.send_message(ALICE, "two")
    async with aiohttp.ClientSession() as http:
        url = f"{client.base_url}/control/chats/{ALICE}/wait"
        async with http.get(url, params={"after_message_id": str(first.message_id), "timeout": "0"}) as resp:
            body = await resp.json()
    assert [m["message_id"] for m in body["messages"]] == [second.message_id]


async def test_wait_for_times_out_with_what_it_saw(bot: Bot, client: EmulatorClient) -> None:
    await bot.send_message(ALICE, "not it")
    with pytest.raises(TimeoutError, match="not it"):
        await client.wait_for(ALICE, lambda m: m.text == "it", timeout=0.5)


async def test_event_stream_reports_what_happens(bot: Bot, client: EmulatorClient) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{client.base_url}/control/events") as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        await stream.content.readline()  # the ": connected" comment: the subscription is in place
        await client.send(ALICE, "ping")
        await bot.send_message(ALICE, "pong")
        events: list[dict[str, object]] = []
        while len(events) < 2:
            line = (await asyncio.wait_for(stream.content.readline(), 5)).decode()
            if line.startswith("data: "):
                events.append(json.loads(line.removeprefix("data: ")))
    assert [e["type"] for e in events] == ["user_message", "bot_message"]
    assert events[1]["message"]["text"] == "pong"  # type: ignore[index]


async def test_reset_forgets_everything(bot: Bot, client: EmulatorClient) -> None:
    await bot.send_message(ALICE, "hello")
    await client.reset()
    assert await client.messages(ALICE) == []
    assert await client.calls() == []
