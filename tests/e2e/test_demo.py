"""Demo mode: `python -m bot demo` starts everything offline, answers in the chat, and stops clean.

The process tests run the real command; the in-process ones check what the demo seeds and configures.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from demo import app as demo_module
from demo.app import DemoOptions, Progress, start_stack, wait_until_healthy
from demo.config import TEAM, chat_users
from demo.exchanges import DEMO_ACCOUNT, EXCHANGES, running_exchanges
from sandbox.exchanges.common import STATE_KEY, running
from sandbox.exchanges.exchanger import SITE_KEY
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient
from services.redis_client import create_redis
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120.0  # importing aiogram alone takes seconds on a loaded machine
STOP_TIMEOUT_S = 30.0
ALICE = TEAM[0].telegram_id
HISTORY_DAYS = 3
PROGRESS_LINE = re.compile(r"^\[\s*\d+\.\d s\] ")  # "[  5.3 s] starting the bot..."


class DemoProcess:
    """`python -m bot demo` as a child; reads the banner for the addresses it chose."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self._reader: asyncio.Task[None] | None = None
        self._banner = asyncio.Event()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "demo",
            *self.args,
            cwd=ROOT,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        async for raw in self.process.stdout:
            self.lines.append(raw.decode("utf-8", "replace"))
            if "Press Ctrl-C to stop." in self.lines[-1]:
                self._banner.set()

    async def wait_ready(self) -> None:
        assert self.process is not None
        exited = asyncio.ensure_future(self.process.wait())
        banner = asyncio.ensure_future(self._banner.wait())
        await asyncio.wait({exited, banner}, timeout=START_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        banner.cancel()
        if not self._banner.is_set():
            raise AssertionError(f"the demo did not start:\n{self.output}")

    def field(self, pattern: str) -> str:
        match = re.search(pattern, self.output)
        assert match, f"{pattern!r} not in the output:\n{self.output}"
        return match.group(1)

    @property
    def page_url(self) -> str:
        return self.field(r"Open the chat:\s+(\S+)")

    @property
    def simulator_urls(self) -> dict[str, str]:
        """Each simulator's base URL, from its control address in the banner."""
        return dict(re.findall(r"^\s+(\w+)\s+(http://\S+?)/_control/$", self.output, re.MULTILINE))

    @property
    def before_banner(self) -> list[str]:
        """The lines printed while the demo starts, before the banner's heading."""
        heading = next(i for i, line in enumerate(self.lines) if line.strip() == "ChatOps bot demo")
        return self.lines[:heading]

    @property
    def banner(self) -> str:
        start = len(self.before_banner)
        end = next(i for i, line in enumerate(self.lines) if "Press Ctrl-C to stop." in line)
        return "".join(self.lines[start : end + 1])

    async def wait_exit(self, timeout: float = STOP_TIMEOUT_S) -> int:  # noqa: ASYNC109
        assert self.process is not None
        try:
            code = await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"the demo did not stop within {timeout}s:\n{self.output}") from None
        if self._reader is not None:
            await self._reader
        return code

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await self.wait_exit()


def children_of(pid: int) -> list[int]:
    """Direct children, from /proc (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            # The command name is in parentheses and may hold spaces; the ppid follows it.
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited already


def unused_redis_url() -> str:
    """Nothing listens there, so the demo starts its own redis-server."""
    return f"redis://127.0.0.1:{free_port()}/0"


@contextlib.asynccontextmanager
async def demo_process(*args: str, env: dict[str, str] | None = None) -> AsyncIterator[DemoProcess]:
    demo = DemoProcess("--port", "0", *args, env=env)
    await demo.start()
    try:
        yield demo
    finally:
        if demo.process is not None and demo.process.returncode is None:
            demo.process.kill()
            await demo.process.wait()


needs_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


# --- the real command ------------------------------------------------------------------------------------


@needs_linux
async def test_demo_answers_start_and_sigterm_leaves_no_process_behind() -> None:
    async with demo_process("--redis-url", unused_redis_url()) as demo:
        await demo.wait_ready()
        assert demo.process is not None
        redis_children = children_of(demo.process.pid)
        assert redis_children, "a private redis-server was expected as a child"

        async with EmulatorClient(demo.page_url) as chat:
            await chat.send(ALICE, "/start", first_name="alice")
            reply = await chat.wait_for(ALICE, timeout=30)
        assert "alice" in (reply.text or "")
        async with aiohttp.ClientSession() as http:
            async with http.get(demo.page_url) as page:
                assert page.status == 200
                assert "<title>" in await page.text()
            assert set(demo.simulator_urls) == set(EXCHANGES)
            for name, url in demo.simulator_urls.items():
                async with http.get(f"{url}/_control/stats") as stats:
                    assert stats.status == 200, name

        assert await demo.stop(signal.SIGTERM) == 0
    assert not [pid for pid in redis_children if alive(pid)]
    assert "demo stopped" in demo.output


async def test_the_demo_shows_its_progress_while_it_starts() -> None:
    async with demo_process("--redis-url", REDIS_URL) as demo:
        await demo.wait_ready()
        assert await demo.stop() == 0
    progress = [line for line in demo.before_banner if PROGRESS_LINE.match(line)]
    # Nothing runs silently first: the first line says what the long part of a start is.
    assert progress, f"nothing said while starting:\n{demo.output}"
    assert demo.lines[0] == progress[0] and "loading" in progress[0], demo.output
    steps = "".join(progress)
    for step in ("Redis", "exchange simulators (5)", "Telegram emulator", "starting the bot", "ready"):
        assert step in steps, f"no progress line about {step!r}:\n{demo.output}"


async def test_every_address_in_the_banner_answers() -> None:
    async with demo_process("--redis-url", REDIS_URL) as demo:
        await demo.wait_ready()
        urls = re.findall(r"http://[^\s)]+", demo.banner)
        statuses: dict[str, int | str] = {}
        routes: dict[str, list[str]] = {}
        async with aiohttp.ClientSession() as http:
            for url in urls:
                try:
                    async with http.get(url) as response:
                        statuses[url] = response.status
                        if url.endswith("/_control/") and response.status == 200:
                            routes[url] = (await response.json())["routes"]
                except aiohttp.ClientError as exc:  # nothing listening there (yet)
                    statuses[url] = repr(exc)
        assert await demo.stop() == 0
    assert len(urls) >= 2 + len(EXCHANGES), demo.banner  # the chat, the bot's health, each simulator
    assert statuses == dict.fromkeys(urls, 200)
    # A simulator's control address tells what can be done there, a deposit arriving among it.
    assert len(routes) == len(EXCHANGES)
    assert all("POST /_control/deposit" in listed for listed in routes.values()), routes


@needs_linux
async def test_ctrl_c_stops_the_demo_cleanly() -> None:
    async with demo_process("--redis-url", unused_redis_url()) as demo:
        await demo.wait_ready()
        assert demo.process is not None
        redis_children = children_of(demo.process.pid)
        assert await demo.stop(signal.SIGINT) == 0
    assert not [pid for pid in redis_children if alive(pid)]
    assert "Traceback" not in demo.output


@needs_linux
async def test_a_killed_demo_takes_its_redis_server_with_it() -> None:
    async with demo_process("--redis-url", unused_redis_url()) as demo:
        await demo.wait_ready()
        assert demo.process is not None
        redis_children = children_of(demo.process.pid)
        assert redis_children
        await demo.stop(signal.SIGKILL)
    for _ in range(50):
        if not [pid for pid in redis_children if alive(pid)]:
            break
        await asyncio.sleep(0.1)
    assert not [pid for pid in redis_children if alive(pid)]


async def test_uses_a_redis_that_answers_and_removes_only_its_own_keys_at_exit(key_prefix: str) -> None:
    async with demo_process("--redis-url", REDIS_URL) as demo:
        await demo.wait_ready()
        prefix = demo.field(r"keys under (demo-[0-9a-f]+):")
        async with EmulatorClient(demo.page_url) as chat:
            await chat.send(ALICE, "/start", first_name="alice")
            await chat.wait_for(ALICE, timeout=30)
        redis = create_redis(REDIS_URL)
        try:
            await redis.set(f"{prefix}:probe", "the demo's")
            await redis.set(f"{key_prefix}:probe", "someone else's")
            assert await demo.stop() == 0
            assert not [key async for key in redis.scan_iter(match=f"{prefix}:*")]
            assert await redis.get(f"{key_prefix}:probe") == "someone else's"
        finally:
            await redis.delete(f"{key_prefix}:probe")
            await redis.aclose()


async def test_without_redis_or_redis_server_it_says_how_to_install_it(tmp_path: Path) -> None:
    # An empty PATH: no redis-server to find (the interpreter is started by its full path).
    async with demo_process("--redis-url", unused_redis_url(), env={"PATH": str(tmp_path)}) as demo:
        code = await demo.wait_exit(START_TIMEOUT_S)
    assert code == 1
    assert "sudo apt-get install redis-server" in demo.output
    assert "brew install redis" in demo.output
    assert "Traceback" not in demo.output


async def test_a_taken_port_is_reported_with_what_to_do() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        demo = DemoProcess("--port", str(port), "--redis-url", unused_redis_url())
        await demo.start()
        code = await demo.wait_exit(START_TIMEOUT_S)
    assert code == 1
    assert f"Port {port}" in demo.output and "--port" in demo.output
    assert "Traceback" not in demo.output


# --- what the demo sets up (in-process) ----------------------------------------------------------------


async def test_every_simulator_holds_an_account_history() -> None:
    async with running_exchanges() as exchanges:
        for exchange in exchanges:
            state = exchange.app[STATE_KEY]
            if exchange.name == "exchanger":
                bids = exchange.app[SITE_KEY].bids.bids.values()
                assert [b for b in bids if b.account == DEMO_ACCOUNT and b.status.value == "success"]
                continue
            assert state.trades_of(DEMO_ACCOUNT), exchange.name
            assert state.orders_of(DEMO_ACCOUNT, open_only=True), exchange.name
            transfers = state.transfers.query(account_id=DEMO_ACCOUNT)
            assert {("deposit", "done"), ("withdrawal", "done")} <= {(t.kind, t.status) for t in transfers}
            # Inside the 3 days the bot's history screens show by default.
            now = state.clock.now()
            assert all(now - t.created_at < HISTORY_DAYS * 86_400 for t in transfers), exchange.name
            assert all(now - f.time < HISTORY_DAYS * 86_400 for f in state.trades_of(DEMO_ACCOUNT))
            assert state.seed.drift_interval > 0  # prices move


async def test_the_bot_config_has_the_team_and_one_account_per_simulator() -> None:
    options = DemoOptions(port=0, redis_url=REDIS_URL)
    async with contextlib.AsyncExitStack() as stack:
        demo = await start_stack(stack, options)
        config = demo.config
        assert {a.exchange for a in config.accounts} == set(EXCHANGES)
        assert config.telegram.api_url == demo.page_url.rstrip("/")
        assert [(m.name, m.role.label) for m in config.team] == [
            ("alice", "admin"),
            ("bob", "approver"),
            ("carol", "trader"),
            ("dave", "viewer"),
        ]
        # The page also offers someone outside the team, to show the refusal.
        assert len(chat_users()) == len(config.team) + 1
        assert config.redis.prefix.startswith("demo-")


class RecordedProgress(Progress):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.reported = asyncio.Event()

    def step(self, text: str) -> None:
        self.lines.append(text)
        self.reported.set()


async def test_a_bot_that_does_not_answer_yet_is_reported_while_the_demo_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def unhealthy(request: web.Request) -> web.Response:
        return web.json_response({"status": "unavailable", "telegram": "unavailable"}, status=503)

    app = web.Application()
    app.router.add_get("/healthz", unhealthy)
    monkeypatch.setattr(demo_module, "STILL_WAITING_S", 0.0)  # report at once instead of after 15 s
    progress = RecordedProgress()
    bot = asyncio.ensure_future(asyncio.Event().wait())  # a bot still starting
    async with running(app) as base_url:
        waiting = asyncio.ensure_future(wait_until_healthy(f"{base_url}/healthz", bot, progress))
        # A guard, not a measure: the report comes on the first unanswered check.
        await asyncio.wait_for(progress.reported.wait(), START_TIMEOUT_S)
        bot.cancel()  # the bot gives up: the wait ends without a banner
        assert await waiting is False
    assert "still waiting for the bot" in progress.lines[0] and "HTTP 503" in progress.lines[0]
