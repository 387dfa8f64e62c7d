"""Monitoring screens on the assembled dispatcher, a real Redis and the IncoreX simulator over HTTP:
what each reply costs the exchange, and what the member sees when data is older or a limit refuses."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from redis.asyncio import Redis

from bot.config import Config, parse_config
from sandbox.exchanges.common.faults import Fault
from services.redis_client import Keys
from tests.integration.bot.harness import VIEWER_ID, Harness, build_harness
from tests.integration.bot.telegram_double import callback_update, message_update
from tests.integration.exchanges.test_incorex_fixtures import SEED, Sim, simulator

pytestmark = pytest.mark.integration

ACCOUNT = "incorex-main"
# ten viewers: one member's own updates are handled one after another (bot.update_isolation)
MEMBERS = [VIEWER_ID, *range(2001, 2010)]


def config_for(sim: Sim, prefix: str, read_cache_s: float) -> Config:
    alice = SEED.account("alice")
    return parse_config(
        {
            "telegram": {"token": "42:TEST"},
            "redis": {"prefix": prefix},
            "team": [
                {"telegram_id": member, "name": f"viewer{member}", "role": "viewer"} for member in MEMBERS
            ],
            "accounts": [
                {
                    "name": ACCOUNT,
                    "exchange": "incorex",
                    "api_key": alice.api_key,
                    "api_secret": alice.api_secret,
                    "base_url": sim.base_url,
                }
            ],
            "exchanges": {"read_cache_s": read_cache_s, "history_days": 3},
        }
    )


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator() as running_sim:
        yield running_sim


async def bot_on(sim: Sim, redis: Redis, keys: Keys, read_cache_s: float) -> Harness:
    return build_harness(config_for(sim, keys.prefix, read_cache_s), redis, keys)


@pytest.fixture
async def harness(sim: Sim, redis: Redis, keys: Keys) -> AsyncIterator[Harness]:
    """Answers are never reused (read_cache_s = 0): only what the feature under test saves is saved."""
    built = await bot_on(sim, redis, keys, read_cache_s=0)
    yield built
    await built.close()
    await built.services.monitoring.accounts.close()


def many_deposits(sim: Sim, count: int = 80) -> None:
    for n in range(count):
        sim.state.transfers.inject_deposit("alice", "USDT", Decimal(100 + n), txid=f"tx{n:04d}")


def sent(harness: Harness) -> list[SendMessage]:
    return [c for c in harness.session.calls if isinstance(c, SendMessage)]


def edits(harness: Harness) -> list[EditMessageText]:
    return [c for c in harness.session.calls if isinstance(c, EditMessageText)]


def button(markup: Any, label: str) -> str:
    assert isinstance(markup, InlineKeyboardMarkup)
    [data] = [b.callback_data for row in markup.inline_keyboard for b in row if label in b.text]
    assert data is not None
    return data


def labels(markup: Any) -> list[str]:
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.text for row in markup.inline_keyboard for b in row]


async def test_next_and_prev_turn_pages_without_asking_the_exchange(sim: Sim, harness: Harness) -> None:
    many_deposits(sim)
    await harness.feed(message_update(VIEWER_ID, "/deposits"))
    [first] = sent(harness)
    assert "Page 1 of" in first.text
    sim.state.reset_stats()

    await harness.feed(callback_update(VIEWER_ID, button(first.reply_markup, "Next")))
    [second] = edits(harness)
    assert "Page 2 of" in second.text
    await harness.feed(callback_update(VIEWER_ID, button(second.reply_markup, "Prev")))
    back = edits(harness)[-1]
    assert "Page 1 of" in back.text
    assert back.text.split("\n\n")[:-2] == first.text.split("\n\n")[:-1]  # the same rows, now with their age
    assert sim.state.stats()["total"] == 0


async def test_a_turned_page_says_how_old_its_data_is(sim: Sim, harness: Harness) -> None:
    many_deposits(sim)
    await harness.feed(message_update(VIEWER_ID, "/deposits"))
    [first] = sent(harness)
    await harness.feed(callback_update(VIEWER_ID, button(first.reply_markup, "Next")))
    [second] = edits(harness)
    assert re.search(r"Data as of \d\d:\d\d \(\d+ s ago\)", second.text)


async def test_refresh_refused_by_a_limit_keeps_the_last_data_its_time_the_wait_and_the_pages(
    sim: Sim, harness: Harness
) -> None:
    many_deposits(sim)
    await harness.feed(message_update(VIEWER_ID, "/deposits"))
    [first] = sent(harness)
    sim.state.faults.add("wallet_history", Fault(kind="rate_limit", seconds=45))

    await harness.feed(callback_update(VIEWER_ID, button(first.reply_markup, "Refresh")))
    [refreshed] = edits(harness)
    rows, footer = refreshed.text.rsplit("\n\n", 1)
    assert rows == first.text  # the same rows and "Page 1 of N"
    assert re.fullmatch(r"⏳ Data as of \d\d:\d\d: request limit reached, try again in 45 s", footer), footer
    assert any("Next" in label for label in labels(refreshed.reply_markup))


async def test_deposits_on_incorex_cost_one_request_once_finished_days_are_kept(
    sim: Sim, harness: Harness
) -> None:
    await harness.feed(message_update(VIEWER_ID, "/deposits"))
    assert sim.state.requests.count("wallet_history") == 4  # three finished days and today
    sim.state.reset_stats()

    await harness.feed(message_update(VIEWER_ID, "/deposits"))
    assert sim.state.requests.count("wallet_history") == 1
    assert "unavailable" not in sent(harness)[-1].text


async def test_members_asking_at_once_share_one_request(sim: Sim, harness: Harness) -> None:
    sim.state.faults.add("user_info", Fault(kind="latency", seconds=0.3))  # all ask while it is in flight
    await asyncio.gather(*(harness.feed(message_update(member, "/balance")) for member in MEMBERS))
    replies = [m.text for m in sent(harness)]
    assert len(replies) == 10
    assert all(ACCOUNT in text and "BTC" in text for text in replies)
    assert sim.state.requests.count("user_info") == 1


async def test_a_reply_from_a_recent_answer_shows_its_age(sim: Sim, redis: Redis, keys: Keys) -> None:
    harness = await bot_on(sim, redis, keys, read_cache_s=60)
    try:
        await harness.feed(message_update(VIEWER_ID, "/balance"))
        await harness.feed(message_update(VIEWER_ID, "/balance"))
    finally:
        await harness.close()
        await harness.services.monitoring.accounts.close()
    fresh, reused = (m.text for m in sent(harness))
    assert "Data as of" not in fresh
    assert re.search(r"Data as of \d\d:\d\d \(\d+ s ago\)", reused), reused
    assert sim.state.requests.count("user_info") == 1


async def test_refresh_fetches_again_even_within_the_reuse_period(sim: Sim, redis: Redis, keys: Keys) -> None:
    harness = await bot_on(sim, redis, keys, read_cache_s=60)
    try:
        await harness.feed(message_update(VIEWER_ID, "/balance"))
        [first] = sent(harness)
        await sim.control("balance", {"account": "alice", "asset": "BTC", "free": "7.5"})
        await harness.feed(callback_update(VIEWER_ID, button(first.reply_markup, "Refresh")))
    finally:
        await harness.close()
        await harness.services.monitoring.accounts.close()
    [refreshed] = edits(harness)
    assert "7.5" in refreshed.text and "7.5" not in first.text
    assert "Data as of" not in refreshed.text
