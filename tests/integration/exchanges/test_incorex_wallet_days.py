"""IncoreX wallet history of finished days is asked once: a look back costs one request, for today."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from services.exchanges.ratelimit import background_requests
from services.redis_client import Keys

from .test_incorex_fixtures import Sim, simulator

pytestmark = pytest.mark.integration

DAY_S = 86_400


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator() as running_sim:
        with running_sim.state.clock.pinned(time.time() - 1.5 * DAY_S):  # inside a finished day
            running_sim.state.transfers.inject_deposit(
                "alice", "USDT", Decimal("12.5"), txid="older", delay=0
            )
        running_sim.state.transfers.inject_deposit("alice", "USDT", Decimal(7), txid="today", delay=0)
        yield running_sim


async def test_a_second_look_back_asks_only_for_today_and_finds_the_same_deposits(
    sim: Sim, redis: Redis, keys: Keys
) -> None:
    since = datetime.now(UTC) - timedelta(days=3)
    async with sim.client(redis=redis, redis_prefix=keys.prefix) as client:
        first = await client.fetch_deposits(since=since)
        asked_first = sim.state.requests.count("wallet_history")
        sim.state.reset_stats()
        again = await client.fetch_deposits(since=since)
    assert asked_first == 4  # three finished days and today
    assert sim.state.requests.count("wallet_history") == 1
    assert [(d.txid, d.amount) for d in again] == [(d.txid, d.amount) for d in first]
    assert {d.txid for d in again} == {"older", "today"}


async def test_a_new_deposit_today_shows_on_the_next_look_back(sim: Sim, redis: Redis, keys: Keys) -> None:
    since = datetime.now(UTC) - timedelta(days=3)
    async with sim.client(redis=redis, redis_prefix=keys.prefix) as client:
        await client.fetch_deposits(since=since)
        sim.state.transfers.inject_deposit("alice", "USDT", Decimal(3), txid="newer", delay=0)
        again = await client.fetch_deposits(since=since)
    assert "newer" in {d.txid for d in again}


async def test_without_redis_every_day_is_asked(sim: Sim) -> None:
    since = datetime.now(UTC) - timedelta(days=3)
    async with sim.client() as client:
        await client.fetch_deposits(since=since)
        await client.fetch_deposits(since=since)
    assert sim.state.requests.count("wallet_history") == 8


async def test_a_finished_day_with_a_pending_deposit_is_asked_again(
    sim: Sim, redis: Redis, keys: Keys
) -> None:
    with sim.state.clock.pinned(time.time() - 2.5 * DAY_S):
        waiting = sim.state.transfers.inject_deposit(
            "alice", "USDT", Decimal(9), txid="waiting", delay=10 * DAY_S
        )
    since = datetime.now(UTC) - timedelta(days=3)
    async with sim.client(redis=redis, redis_prefix=keys.prefix) as client:
        first = await client.fetch_deposits(since=since)
        sim.state.transfers.complete(waiting.id)
        sim.state.reset_stats()
        again = await client.fetch_deposits(since=since)
    assert {d.txid: d.status.value for d in first}["waiting"] == "pending"
    assert {d.txid: d.status.value for d in again}["waiting"] == "ok"
    assert sim.state.requests.count("wallet_history") == 2  # today and the day that was still settling


async def test_the_watchers_of_one_round_share_one_request_for_today(sim: Sim) -> None:
    """Deposits, outside withdrawals and the bot's own withdrawals are looked at in the same moment: in
    the background they share today's answer (IncoreX allows 10 wallet calls a minute); a member's read
    is always asked afresh."""
    async with sim.client() as client:
        with background_requests():
            await asyncio.gather(client.fetch_deposits(), client.fetch_withdrawals(), client.wallet_history())
        assert sim.state.requests.count("wallet_history") == 1
        sim.state.transfers.inject_deposit("alice", "USDT", Decimal(3), txid="just-now", delay=0)
        assert "just-now" in {d.txid for d in await client.fetch_deposits()}
        assert sim.state.requests.count("wallet_history") == 2
