"""Shared reads on a real Redis against the IncoreX simulator: one request however many ask at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from pydantic import TypeAdapter
from redis.asyncio import Redis

from sandbox.exchanges.common.faults import Fault
from services.exchanges import errors
from services.exchanges.models import Balances
from services.read_cache import SharedReads
from services.redis_client import Keys, create_redis
from tests.conftest import REDIS_URL
from tests.integration.exchanges.test_incorex_fixtures import Sim, simulator

pytestmark = pytest.mark.integration

BALANCES = TypeAdapter(Balances)


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator() as running_sim:
        yield running_sim


@pytest.fixture
async def other_copy_redis() -> AsyncIterator[Redis]:
    """A second connection pool, as a second bot copy would have."""
    client = create_redis(REDIS_URL)
    yield client
    await client.aclose()


async def test_concurrent_identical_reads_make_one_request(sim: Sim, redis: Redis, keys: Keys) -> None:
    reads = SharedReads(redis, keys, max_age_s=0)
    async with sim.client(redis=redis, redis_prefix=keys.prefix) as client:
        answers = await asyncio.gather(
            *(reads.read("balance:alice", BALANCES, client.fetch_balance) for _ in range(20))
        )
    assert sim.state.requests.count("user_info") == 1
    assert {a.value.get("BTC").free for a in answers} == {Decimal(2)}


async def test_two_bot_copies_sharing_redis_join_one_request(
    sim: Sim, redis: Redis, other_copy_redis: Redis, keys: Keys
) -> None:
    first, second = SharedReads(redis, keys, max_age_s=0), SharedReads(other_copy_redis, keys, max_age_s=0)
    async with (
        sim.client(redis=redis, redis_prefix=keys.prefix) as one,
        sim.client(redis=other_copy_redis, redis_prefix=keys.prefix) as two,
    ):
        sim.state.faults.add(
            "user_info", Fault(kind="latency", seconds=0.3)
        )  # both ask while it is in flight
        answers = await asyncio.gather(
            *(first.read("balance:alice", BALANCES, one.fetch_balance) for _ in range(10)),
            *(second.read("balance:alice", BALANCES, two.fetch_balance) for _ in range(10)),
        )
    assert sim.state.requests.count("user_info") == 1
    assert len({a.freshness.fetched_at for a in answers}) == 1


async def test_a_recent_answer_is_reused_with_its_time_and_exact_decimals(
    sim: Sim, redis: Redis, keys: Keys
) -> None:
    await sim.control("balance", {"account": "alice", "asset": "BTC", "free": "1.12345678"})
    reads = SharedReads(redis, keys, max_age_s=60)
    async with sim.client(redis=redis, redis_prefix=keys.prefix) as client:
        first = await reads.read("balance:alice", BALANCES, client.fetch_balance)
        again = await reads.read("balance:alice", BALANCES, client.fetch_balance)
    assert sim.state.requests.count("user_info") == 1
    assert (first.freshness.cached, again.freshness.cached) == (False, True)
    assert again.freshness.fetched_at == first.freshness.fetched_at
    assert again.value == first.value
    assert again.value.get("BTC").free == Decimal("1.12345678")


async def test_an_answer_older_than_the_allowed_age_is_fetched_again(
    sim: Sim, redis: Redis, keys: Keys
) -> None:
    reads = SharedReads(redis, keys, max_age_s=0)
    async with sim.client(redis=redis, redis_prefix=keys.prefix) as client:
        await reads.read("balance:alice", BALANCES, client.fetch_balance)
        await reads.read("balance:alice", BALANCES, client.fetch_balance)
    assert sim.state.requests.count("user_info") == 2


async def test_a_read_refused_by_a_limit_answers_with_the_last_data_and_the_wait(
    sim: Sim, redis: Redis, keys: Keys
) -> None:
    reads = SharedReads(redis, keys, max_age_s=0)
    async with sim.client(redis=redis, redis_prefix=keys.prefix) as client:
        first = await reads.read("balance:alice", BALANCES, client.fetch_balance)
        sim.state.faults.add("user_info", Fault(kind="rate_limit", seconds=45))
        refused = await reads.read("balance:alice", BALANCES, client.fetch_balance)
        # until the wait is over, the exchange is not asked again
        again = await reads.read("balance:alice", BALANCES, client.fetch_balance)
    assert refused.value == first.value
    assert refused.freshness.fetched_at == first.freshness.fetched_at
    assert refused.freshness.refused is not None and refused.freshness.refused.retry_after == 45
    assert again.freshness.refused is not None
    assert sim.state.requests.count("user_info") == 2


async def test_a_refused_read_without_earlier_data_is_an_error(sim: Sim, redis: Redis, keys: Keys) -> None:
    reads = SharedReads(redis, keys, max_age_s=0)
    sim.state.faults.add("user_info", Fault(kind="rate_limit", seconds=45))
    async with sim.client(redis=redis, redis_prefix=keys.prefix) as client:
        with pytest.raises(errors.RateLimited):
            await reads.read("balance:alice", BALANCES, client.fetch_balance)
