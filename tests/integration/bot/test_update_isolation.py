"""A member's updates are handled one at a time, whichever copy of the bot takes each: the next one
sees the state the one before it wrote. A lock is renewed while its update runs, and one that a killed
copy left behind delays the member only a while."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message
from redis.asyncio import Redis

from bot import update_isolation
from services.redis_client import Keys
from services.team import Role
from tests.integration.bot.harness import ADMIN_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import message_update

pytestmark = pytest.mark.integration


class Flow:
    """``/ask`` sends its question, then (once ``written`` is set) writes the state the answer needs;
    ``/answer`` notes the state it finds."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.written = asyncio.Event()
        self.found: list[str | None] = []

    async def ask(self, message: Message, state: FSMContext) -> None:
        self.asked.set()
        await self.written.wait()  # the question is out; the state is written a moment later
        await state.set_state("asked")

    async def answer(self, message: Message, raw_state: str | None) -> None:
        self.found.append(raw_state)

    async def count(self, message: Message, state: FSMContext) -> None:
        counted = (await state.get_data()).get("count", 0)
        await asyncio.sleep(0.01)  # another update of the member's, handled now, would count the same
        await state.update_data(count=counted + 1)

    def attach(self, harness: Harness) -> None:
        # on the dispatcher itself: its own handlers come before every router's
        harness.dispatcher.message.register(self.ask, Command("ask"), flags={"role": Role.VIEWER})
        harness.dispatcher.message.register(self.answer, Command("answer"), flags={"role": Role.VIEWER})
        harness.dispatcher.message.register(self.count, Command("count"), flags={"role": Role.VIEWER})


@pytest.fixture
async def copies(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[tuple[Harness, Harness, Flow]]:
    flow = Flow()
    first = build_harness(team_config(key_prefix), redis, keys)
    second = build_harness(team_config(key_prefix), redis, keys)
    flow.attach(first)
    flow.attach(second)
    yield first, second, flow
    await first.close()
    await second.close()


async def test_an_answer_taken_by_another_copy_waits_for_the_state_its_question_writes(
    copies: tuple[Harness, Harness, Flow],
) -> None:
    first, second, flow = copies
    asking = asyncio.create_task(first.feed(message_update(ADMIN_ID, "/ask")))
    await flow.asked.wait()
    answering = asyncio.create_task(second.feed(message_update(ADMIN_ID, "/answer")))
    await asyncio.sleep(0.3)  # room for the answer to be handled too early, were it not held back
    flow.written.set()
    await asyncio.gather(asking, answering)
    assert flow.found == ["asked"]


async def test_forty_updates_of_one_member_at_once_on_two_copies_are_each_counted(
    copies: tuple[Harness, Harness, Flow],
) -> None:
    first, second, _ = copies
    await asyncio.gather(*(copy.feed(message_update(ADMIN_ID, "/count")) for copy in [first, second] * 20))
    assert await first.dispatcher.fsm.get_context(first.bot, ADMIN_ID, ADMIN_ID).get_data() == {"count": 40}


async def test_a_lock_left_by_a_killed_copy_holds_the_members_next_update_only_a_while(
    copies: tuple[Harness, Harness, Flow],
    keys: Keys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, _, flow = copies
    monkeypatch.setattr(update_isolation, "WAIT_S", 0.5)
    flow.written.set()
    await first.feed(message_update(ADMIN_ID, "/ask"))
    assert [key async for key in first.storage.redis.scan_iter(match=keys("fsm", "*lock"))] == []
    # what a copy killed in the middle of this member's update leaves in Redis
    key = first.storage.key_builder.build(_member_key(first), "lock")
    await first.storage.redis.set(key, "killed-copy", px=60_000)

    await first.feed(message_update(ADMIN_ID, "/answer"))
    assert flow.found == ["asked"]


async def test_an_update_longer_than_the_locks_hold_keeps_it_renewed(
    copies: tuple[Harness, Harness, Flow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second, flow = copies
    monkeypatch.setattr(update_isolation, "HOLD_S", 0.3)
    monkeypatch.setattr(update_isolation, "RENEW_S", 0.1)
    asking = asyncio.create_task(first.feed(message_update(ADMIN_ID, "/ask")))
    await flow.asked.wait()
    answering = asyncio.create_task(second.feed(message_update(ADMIN_ID, "/answer")))
    await asyncio.sleep(1.0)  # three holds: the answer would have gone in, were the lock not renewed
    flow.written.set()
    await asyncio.gather(asking, answering)
    assert flow.found == ["asked"]


def _member_key(harness: Harness) -> StorageKey:
    return StorageKey(bot_id=harness.bot.id, chat_id=ADMIN_ID, user_id=ADMIN_ID)
