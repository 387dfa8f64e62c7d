"""A Redis that answers but refuses writes (OOM, MISCONF, READONLY, NOREPLICAS) is an outage like
a lost one."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import OutOfMemoryError, ReadOnlyError, ResponseError

from sandbox.net import free_port
from services.redis_client import Keys, create_redis
from tests.integration.bot.harness import ADMIN_ID, STRANGER_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import callback_update, message_update
from tests.integration.bot.test_redis_outage import UNAVAILABLE_EN, PrivateRedis

pytestmark = pytest.mark.integration

REFUSALS = ["OOM", "MISCONF", "READONLY", "NOREPLICAS"]


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    # MISCONF needs snapshots configured (never due during a test) and one that failed
    server = PrivateRedis(extra_args=["--save", "3600 1", "--dir", str(tmp_path), "--dbfilename", "dump.rdb"])
    server.start()
    # once started, the snapshot's file name is taken by a directory: a BGSAVE fails, and Redis says MISCONF
    (tmp_path / "dump.rdb").mkdir()
    yield server
    # a server with snapshots configured saves as it stops, and refuses to stop while it cannot
    (tmp_path / "dump.rdb").rmdir()
    server.stop()


async def _refuse_writes(admin: Redis, how: str) -> None:
    """Put the private server in the state where it answers reads and refuses writes with `how`."""
    if how == "OOM":
        await admin.config_set("maxmemory", 1)
    elif how == "READONLY":
        await admin.replicaof("127.0.0.1", free_port())
    elif how == "NOREPLICAS":  # a master that has lost the replicas it must write to (after a failover)
        await admin.config_set("min-replicas-to-write", 1)
    else:
        await admin.bgsave()
        # Redis has no notification for a snapshot's end: its child process reports on exit
        while (await admin.info("persistence"))["rdb_last_bgsave_status"] != "err":  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    with pytest.raises(ResponseError) as refused:
        await admin.set("probe", "1")
    expected = {"OOM": OutOfMemoryError, "READONLY": ReadOnlyError}.get(how, ResponseError)
    assert isinstance(refused.value, expected)
    assert how not in ("MISCONF", "NOREPLICAS") or str(refused.value).startswith(how)


@pytest.fixture
async def harness(private_redis: PrivateRedis, key_prefix: str) -> AsyncIterator[Harness]:
    redis = create_redis(private_redis.url)
    built = build_harness(team_config(key_prefix, private_redis.url), redis, Keys(key_prefix))
    yield built
    await built.close()
    await redis.aclose()


@pytest.fixture
async def admin(private_redis: PrivateRedis) -> AsyncIterator[Redis]:
    client = create_redis(private_redis.url)
    yield client
    await client.aclose()


@pytest.mark.parametrize("how", REFUSALS)
async def test_a_member_hears_temporarily_unavailable(harness: Harness, admin: Redis, how: str) -> None:
    await _refuse_writes(admin, how)
    await harness.feed(message_update(ADMIN_ID, "/tz Europe/Berlin"))  # stores a setting: a write
    assert harness.session.sent_texts(ADMIN_ID) == [UNAVAILABLE_EN]


@pytest.mark.parametrize("how", REFUSALS)
async def test_a_members_button_press_gets_the_notice_as_an_alert(
    harness: Harness, admin: Redis, how: str
) -> None:
    await _refuse_writes(admin, how)
    await harness.feed(callback_update(ADMIN_ID, "lg:ru"))  # stores the language: a write
    assert harness.session.alerts() == [UNAVAILABLE_EN]


@pytest.mark.parametrize("how", ["OOM", "MISCONF", "READONLY"])
async def test_a_stranger_hears_nothing(harness: Harness, admin: Redis, how: str) -> None:
    await _refuse_writes(admin, how)
    for text in ("/start", "hello", "/balance"):
        await harness.feed(message_update(STRANGER_ID, text))  # each one is audited: a write
    assert harness.session.calls == []
