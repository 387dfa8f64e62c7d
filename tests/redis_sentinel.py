"""A master, a replica and a sentinel of our own (real redis-server processes), for the tests that
show the bot carrying on through a failover."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from sandbox.net import free_port

MASTER_NAME = "chatops-test"
# Passwords and a database other than 0, so the tests also show what the URL still means with sentinels.
REDIS_PASSWORD, SENTINEL_PASSWORD, DB = "redis-secret", "sentinel-secret", 3


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


class SentinelSet:
    def __init__(self, workdir: Path) -> None:
        self.master = Node("master", workdir, REDIS_PASSWORD)
        self.replica = Node("replica", workdir, REDIS_PASSWORD)
        self.sentinel = Node("sentinel", workdir, SENTINEL_PASSWORD)

    @property
    def redis_config(self) -> dict[str, Any]:
        """The bot's [redis] section (without the prefix) for this set."""
        return {
            # with sentinels the URL gives the password and database, not the address
            "url": f"redis://:{REDIS_PASSWORD}@127.0.0.1:1/{DB}",
            "sentinels": [f"127.0.0.1:{self.sentinel.port}"],
            "sentinel_master": MASTER_NAME,
            "sentinel_password": SENTINEL_PASSWORD,
        }

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

    async def ready(self) -> None:
        """The master takes writes (its replica counts for min-replicas-to-write) and the sentinel
        knows the replica it would promote."""

        async def master_takes_writes() -> bool:
            async with self.master.client() as client:
                info = await client.info("replication")
            return int(info.get("min_slaves_good_slaves", 0)) >= 1

        async def replica_known() -> bool:
            async with self.sentinel.client() as watcher:
                replicas = await watcher.sentinel_slaves(MASTER_NAME)
            return any(
                entry["port"] == self.replica.port and entry["is_slave"] and not entry["is_sdown"]
                for entry in replicas
            )

        await until("the master to count its replica for min-replicas-to-write", master_takes_writes)
        await until("the sentinel to know the replica", replica_known)

    async def replicated(self) -> None:
        """Every write so far has reached the replica."""

        async def acknowledged() -> bool:
            async with self.master.client() as client:
                await client.set("sentinel-test:marker", "1")
                return int(await client.execute_command("WAIT", 1, 1000)) == 1

        await until("the replica to have every write", acknowledged)

    async def promoted(self) -> None:
        """The sentinel names the replica as the master."""

        async def named() -> bool:
            async with self.sentinel.client() as watcher:
                address = await watcher.sentinel_get_master_addr_by_name(MASTER_NAME)
            return address is not None and address[1] == self.replica.port

        await until("the sentinel to name the replica as master", named)

    async def fail_over(self) -> None:
        async with self.sentinel.client() as watcher:
            assert await watcher.sentinel_failover(MASTER_NAME)
        await self.promoted()

    async def old_master_demoted(self) -> None:
        """Writes that reached the old master after the switch would be lost once it is a replica."""

        async def demoted() -> bool:
            return await role(self.master) == "slave"

        await until("the sentinel to turn the old master into a replica", demoted)
        assert await role(self.replica) == "master"


@contextmanager
def running_sentinel_set(workdir: Path) -> Iterator[SentinelSet]:
    nodes = SentinelSet(workdir)
    try:
        nodes.start()
        yield nodes
    finally:
        nodes.stop()
