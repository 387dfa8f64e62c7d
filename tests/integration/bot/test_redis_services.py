"""Services on a real Redis: audit stream, language storage, throttle."""

import asyncio
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from services.audit import AuditLog
from services.redis_client import Keys
from services.throttle import Throttle
from services.user_settings import UserSettings

pytestmark = pytest.mark.integration


async def test_audit_entries_come_back_newest_first_with_their_details(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys)
    moment = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    await audit.record(1, "first", {"n": 1}, now=moment)
    await audit.record(2, "second", {"note": "привет", "nested": {"a": [1, 2]}})
    newest, oldest = await audit.latest()
    assert (newest.actor_id, newest.action, newest.details) == (
        2,
        "second",
        {"note": "привет", "nested": {"a": [1, 2]}},
    )
    assert (oldest.actor_id, oldest.action, oldest.time) == (1, "first", moment)


async def test_audit_latest_returns_at_most_count(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys)
    for n in range(25):
        await audit.record(1, f"a{n}")
    latest = await audit.latest(20)
    assert len(latest) == 20
    assert latest[0].action == "a24"


async def test_audit_stream_is_capped(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys, max_entries=10)
    for n in range(1000):
        await audit.record(1, f"a{n}")
    # MAXLEN ~ trims whole radix-tree nodes (100 entries by default), so the cap is approximate.
    assert 10 <= await redis.xlen(keys("audit")) <= 200


async def test_audit_stream_lives_under_the_prefix(redis: Redis, keys: Keys) -> None:
    await AuditLog(redis, keys).record(1, "x")
    assert await redis.type(f"{keys.prefix}:audit") == "stream"


async def test_language_choice_is_stored_per_user(redis: Redis, keys: Keys) -> None:
    settings = UserSettings(redis, keys)
    assert await settings.get_language(1001) is None
    await settings.set_language(1001, "tr")
    assert await settings.get_language(1001) == "tr"
    assert await settings.get_language(1002) is None
    assert await redis.get(f"{keys.prefix}:lang:1001") == "tr"


async def test_throttle_allows_once_per_window_per_subject(redis: Redis, keys: Keys) -> None:
    throttle = Throttle(redis, keys, "test", window_s=1)
    assert await throttle.allow(7)
    assert not await throttle.allow(7)
    assert await throttle.allow(8)
    await asyncio.sleep(1.1)
    assert await throttle.allow(7)


async def test_throttle_lets_exactly_one_of_concurrent_callers_through(redis: Redis, keys: Keys) -> None:
    throttle = Throttle(redis, keys, "race", window_s=60)
    results = await asyncio.gather(*(throttle.allow(9) for _ in range(20)))
    assert results.count(True) == 1
