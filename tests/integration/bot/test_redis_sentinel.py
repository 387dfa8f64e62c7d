"""The bot on Redis with Sentinel: a master, a replica and a sentinel of our own; the replica is
promoted and the bot's clients, built from the config, carry on with nothing lost."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis

from bot.app import BotApp
from bot.config import parse_config
from sandbox.net import free_port
from services.actions.states import ActionState
from services.actions.store import ActionStore, Decision
from services.audit import AuditLog
from services.leader import LeaderLease

pytestmark = pytest.mark.integration

MASTER_NAME = "chatops-test"
# Passwords and a database other than 0, so the test also shows what the URL still means with sentinels.
REDIS_PASSWORD, SENTINEL_PASSWORD, DB = "redis-secret", "sentinel-secret", 3
PARAMS = {"side": "buy", "pair": "BTC/USDT", "amount": "0.5", "price": "30000"}
ADMIN_ID = 1001
FSM_KEY = StorageKey(bot_id=42, chat_id=ADMIN_ID, user_id=ADMIN_ID)


def _redis_server() -> str:
    binary = shutil.which("redis-server")
    # A failure, not a skip: .ci/run installs it, and a missing one must not pass unnoticed.
    assert binary, "redis-server is not installed (apt-get install redis-server; .ci/run does it)"
    return binary


class Node:
    """One redis-server process (a plain instance or a sentinel) on a free port."""

    def __init__(self, name: str, workdir: Path, password: str) -> None:
        self.name = name
        self.password = password
        self.port = free_port()
        self.dir = workdir / name
        self.dir.mkdir()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *args: str) -> None:
        log = (self.dir / "log").open("wb")
        self.process = subprocess.Popen([_redis_server(), *args], stdout=log, stderr=subprocess.STDOUT)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {(self.dir / 'log').read_text()[-2000:]}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)

    def start_server(self, *args: str) -> None:
        self.start(
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)),
            *("--save", "", "--appendonly", "no"),
            *("--requirepass", self.password, "--masterauth", self.password),
            *args,
        )

    def client(self, db: int = 0) -> Redis:
        # one connection, so WAIT counts this client's own last write
        return Redis(
            port=self.port,
            db=db,
            password=self.password,
            decode_responses=True,
            single_connection_client=True,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


class SentinelSet:
    def __init__(self, workdir: Path) -> None:
        self.master = Node("master", workdir, REDIS_PASSWORD)
        self.replica = Node("replica", workdir, REDIS_PASSWORD)
        self.sentinel = Node("sentinel", workdir, SENTINEL_PASSWORD)

    def start(self) -> None:
        # min-replicas-to-write: the old master refuses writes once its replica has been promoted,
        # instead of taking writes that are lost when the sentinel turns it into a replica.
        self.master.start_server("--min-replicas-to-write", "1", "--min-replicas-max-lag", "10")
        self.replica.start_server("--replicaof", "127.0.0.1", str(self.master.port))
        config = self.sentinel.dir / "sentinel.conf"  # the sentinel rewrites its own file
        config.write_text(
            f"port {self.sentinel.port}\nbind 127.0.0.1\ndir {self.sentinel.dir}\n"
            f"requirepass {SENTINEL_PASSWORD}\n"
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master.port} 1\n"
            f"sentinel auth-pass {MASTER_NAME} {REDIS_PASSWORD}\n"
            f"sentinel down-after-milliseconds {MASTER_NAME} 1000\n"
            f"sentinel failover-timeout {MASTER_NAME} 10000\n"
        )
        self.sentinel.start(str(config), "--sentinel")

    def stop(self) -> None:
        for node in (self.sentinel, self.replica, self.master):
            node.stop()


@pytest.fixture
def sentinel_set(tmp_path: Path) -> Iterator[SentinelSet]:
    nodes = SentinelSet(tmp_path)
    try:
        nodes.start()
        yield nodes
    finally:
        nodes.stop()


async def until(what: str, check: Callable[[], Awaitable[bool]]) -> None:
    """Waits for a state of the servers; the deadline only turns a hang into a named failure."""
    deadline = time.monotonic() + 60
    while not await check():
        assert time.monotonic() < deadline, f"still waiting for: {what}"
        await asyncio.sleep(0.1)


async def role(node: Node) -> str:
    async with node.client() as client:
        info = await client.info("replication")
    return str(info["role"])


@pytest.fixture
async def app(sentinel_set: SentinelSet, key_prefix: str) -> AsyncIterator[BotApp]:
    config = parse_config(
        {
            "telegram": {"token": "42:TEST"},
            "redis": {
                # with sentinels the URL gives the password and database, not the address
                "url": f"redis://:{REDIS_PASSWORD}@127.0.0.1:1/{DB}",
                "prefix": key_prefix,
                "sentinels": [f"127.0.0.1:{sentinel_set.sentinel.port}"],
                "sentinel_master": MASTER_NAME,
                "sentinel_password": SENTINEL_PASSWORD,
            },
            "team": [{"telegram_id": ADMIN_ID, "name": "alice", "role": "admin"}],
        }
    )
    app = BotApp.from_config(config)
    try:
        yield app
    finally:
        await app.storage.close()
        await app.redis.aclose()
        await app.bot.session.close()


@pytest.fixture
async def watcher(sentinel_set: SentinelSet) -> AsyncIterator[Redis]:
    """A client of the sentinel itself, to follow and force the failover."""
    async with sentinel_set.sentinel.client() as client:
        yield client


class Failover:
    """The bot's clients, built from the config, and what they wrote before the master changed."""

    def __init__(self, nodes: SentinelSet, app: BotApp, watcher: Redis) -> None:
        self.nodes, self.app, self.watcher = nodes, app, watcher
        self.actions = ActionStore(app.redis, app.dispatcher.workflow_data["keys"])
        self.audit: AuditLog = app.dispatcher.workflow_data["audit"]
        self.lease: LeaderLease = app.workers.lease
        self.action_id = self.token = ""

    async def replica_known(self) -> bool:
        replicas = await self.watcher.sentinel_slaves(MASTER_NAME)
        return any(
            entry["port"] == self.nodes.replica.port and entry["is_slave"] and not entry["is_sdown"]
            for entry in replicas
        )

    async def replica_promoted(self) -> bool:
        address = await self.watcher.sentinel_get_master_addr_by_name(MASTER_NAME)
        return address is not None and address[1] == self.nodes.replica.port

    async def master_takes_writes(self) -> bool:
        async with self.nodes.master.client() as client:
            info = await client.info("replication")
        return int(info.get("min_slaves_good_slaves", 0)) >= 1

    async def replicated(self) -> bool:
        async with self.nodes.master.client() as client:
            await client.set("sentinel-test:marker", "1")
            return int(await client.execute_command("WAIT", 1, 1000)) == 1

    async def write_before(self) -> None:
        await until("the master to count its replica for min-replicas-to-write", self.master_takes_writes)
        await until("the sentinel to know the replica", self.replica_known)
        action, self.token = await self.actions.create(
            kind="order", member_id=ADMIN_ID, chat_id=ADMIN_ID, account="main", params=PARAMS, ttl_s=600
        )
        self.action_id = action.id
        await self.audit.record(ADMIN_ID, "order.preview", {"account": "main"})
        assert await self.lease.claim()
        await self.app.storage.set_data(FSM_KEY, {"step": "amount"})
        # in the database the URL names, on the master the sentinel names
        async with self.nodes.master.client(DB) as client:
            assert await client.get(self.lease.key) == self.lease.holder
        await until("the replica to have every write", self.replicated)

    async def carry_on(self) -> None:
        """The same client objects, now on the promoted replica: the lease is renewed, the pending
        action is confirmed, the audit chain and the member's dialogue go on."""
        assert await self.lease.claim(), "the lease renewal failed after the failover"
        decision = await self.actions.decide(self.token, presser_id=ADMIN_ID, chat_id=ADMIN_ID, confirm=True)
        assert decision is Decision.OK
        await self.audit.record(ADMIN_ID, "order.confirm", {"account": "main"})
        await self.app.storage.set_data(FSM_KEY, {"step": "confirm"})

    async def nothing_lost(self) -> None:
        assert await self.lease.current_holder() == self.lease.holder
        assert await self.lease.claim()
        confirmed = await self.actions.get(self.action_id)
        assert confirmed is not None and confirmed.state is ActionState.CONFIRMED
        assert [entry.action for entry in await self.audit.latest(count=10, actor_id=ADMIN_ID)] == [
            "order.confirm",
            "order.preview",
        ]
        report = (await self.audit.verify()).report
        assert report.intact and report.count == 2
        assert await self.app.storage.get_data(FSM_KEY) == {"step": "confirm"}
        async with self.nodes.replica.client(DB) as client:
            assert await client.get(self.lease.key) == self.lease.holder


@pytest.fixture
def failover(sentinel_set: SentinelSet, app: BotApp, watcher: Redis) -> Failover:
    return Failover(sentinel_set, app, watcher)


async def test_the_bot_carries_on_when_the_replica_is_promoted(failover: Failover) -> None:
    await failover.write_before()
    assert await failover.watcher.sentinel_failover(MASTER_NAME)
    await until("the sentinel to name the replica as master", failover.replica_promoted)
    await failover.carry_on()

    async def old_master_demoted() -> bool:
        return await role(failover.nodes.master) == "slave"

    # writes that reached the old master after the switch would be lost once it becomes a replica
    await until("the sentinel to turn the old master into a replica", old_master_demoted)
    assert await role(failover.nodes.replica) == "master"
    await failover.nothing_lost()


async def test_the_bot_carries_on_when_the_master_dies(failover: Failover) -> None:
    await failover.write_before()
    failover.nodes.master.kill()
    await until("the sentinel to promote the replica", failover.replica_promoted)
    await failover.carry_on()
    await failover.nothing_lost()
