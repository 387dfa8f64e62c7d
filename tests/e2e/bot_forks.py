"""Bot processes forked from a warm parent (tests.e2e.warm_bot), killed with SIGKILL and started again at
once; and the action records they leave in Redis, read as the admins would see them settle."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import deque
from pathlib import Path

import aiohttp

from services.actions.records import Action
from services.actions.states import FINAL, ActionState
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import ROOT, START_TIMEOUT_S, STOP_TIMEOUT_S

SETTLED = FINAL | {ActionState.SUBMITTED}
IN_FLIGHT = {
    ActionState.PENDING,
    ActionState.CONFIRMED,
    ActionState.AWAITING_APPROVAL,
    ActionState.APPROVED,
    ActionState.SUBMITTING,
}
SETTLE_TIMEOUT_S = 120.0


class BotForks:
    """Bot processes forked from one parent that imported the bot once (tests.e2e.warm_bot)."""

    def __init__(self, config: Path, port: int) -> None:
        self.config = config
        self.web_url = f"http://127.0.0.1:{port}"
        self._parent: asyncio.subprocess.Process | None = None
        self._forked: asyncio.Queue[int] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None
        self.lines: deque[str] = deque(maxlen=200)
        self.running: int | None = None

    async def open(self) -> None:
        self._parent = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.e2e.warm_bot",
            "run",
            "--config",
            str(self.config),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            limit=2**24,  # a long log line must not stop the reading (the pipe would fill up)
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._parent is not None and self._parent.stdout is not None
        async for raw in self._parent.stdout:
            line = raw.decode("utf-8", "replace")
            self.lines.append(line)
            if line.startswith("FORKED "):
                self._forked.put_nowait(int(line.split()[1]))

    async def start(self) -> None:
        """A new bot process, serving once its health check answers."""
        assert self._parent is not None and self._parent.stdin is not None
        self._parent.stdin.write(b"fork\n")
        await self._parent.stdin.drain()
        self.running = await asyncio.wait_for(self._forked.get(), START_TIMEOUT_S)
        deadline = time.monotonic() + START_TIMEOUT_S
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                assert alive(self.running), f"the bot exited:\n{''.join(self.lines)}"
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{self.web_url}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise AssertionError(f"bot not healthy after {START_TIMEOUT_S}s")

    async def kill(self) -> None:
        """kill -9, and wait until the process is gone (its port free for the next one)."""
        assert self.running is not None
        os.kill(self.running, signal.SIGKILL)
        for _ in range(round(STOP_TIMEOUT_S / 0.01)):  # no event tells a killed stranger's exit
            if not alive(self.running):
                self.running = None
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"process {self.running} still alive after kill -9")

    async def close(self) -> None:
        if self.running is not None:
            await self.kill()
        if self._parent is not None and self._parent.stdin is not None:
            self._parent.stdin.close()
            try:
                await asyncio.wait_for(self._parent.wait(), 10)
            except TimeoutError:
                self._parent.kill()
                await self._parent.wait()
        if self._reader is not None:
            await self._reader


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def actions_of(prefix: str, redis_url: str = REDIS_URL) -> list[Action]:
    redis = create_redis(redis_url)
    try:
        found = []
        async for key in redis.scan_iter(match=f"{prefix}:action:*", count=500):
            if key.count(":") == prefix.count(":") + 2:  # the record, not its in-flight lease
                found.append(Action.from_redis(await redis.hgetall(key)))  # type: ignore[misc]
        return found
    finally:
        await redis.aclose()


async def settled_actions(prefix: str) -> list[Action]:
    """Waits until nothing is in flight and every unknown order has been looked up (an Indodax lookup
    settles it, a matching lookup leaves its candidates for the admins). An unknown withdrawal has no
    lookup: the admins settle it."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while True:
        actions = await actions_of(prefix)
        waiting = [
            a
            for a in actions
            if a.state in IN_FLIGHT
            or (a.state is ActionState.UNKNOWN and a.kind == "order" and a.candidates is None)
        ]
        if not waiting:
            return actions
        described = "; ".join(f"{a.id} {a.kind} {a.account} {a.state} {dict(a.params)}" for a in waiting)
        assert time.monotonic() < deadline, f"still in flight: {described}"
        await asyncio.sleep(0.5)
