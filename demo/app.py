"""Demo mode: the whole bot offline in one command, `python -m bot demo [--port N]`.

One process runs everything but Redis: the five exchange simulators (seeded, prices moving), the
Telegram Bot API emulator with its chat page, and the real bot (bot.runner, unchanged) wired to them
through an ordinary Config. Redis is the one at ``--redis-url`` when it answers (the demo's keys go
under a fresh prefix and are removed at exit), else a private redis-server child.

Stopping (Ctrl-C or SIGTERM): the bot's runner handles the signal and stops the bot gracefully; then
the emulator, the simulators and the private Redis are closed in the reverse order of their start.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bot.config import Config
from bot.log import configure_logging
from demo.config import (
    BOB_TOTP_SECRET,
    DEMO_TOKEN,
    OUTSIDER,
    STEP_UP_ABOVE,
    STEP_UP_MEMBER,
    TEAM,
    account_entry,
    chat_users,
    demo_config,
)
from demo.exchanges import EXCHANGES, RunningExchange, running_exchanges
from demo.private_redis import DemoRedis, RedisUnavailable, provide_redis
from sandbox.exchanges.common import STATE_KEY
from sandbox.exchanges.indodax.state import IndodaxState
from sandbox.net import free_port
from sandbox.telegram.server import create_app as create_emulator
from services.redis_client import Keys, create_redis
from services.twofactor import TwoFactor

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Every request of the emulator and the simulators would otherwise be a log line.
QUIET_LOGGERS = ("aiohttp.access", "aiogram.event")
READY_POLL_S = 0.2
STILL_WAITING_S = 15.0


class DemoError(Exception):
    """The demo cannot start; the message tells the person what to do."""


@dataclass(frozen=True)
class DemoOptions:
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    redis_url: str = DEFAULT_REDIS_URL
    log_level: str = "INFO"


@dataclass
class Progress:
    """Start-up lines, each with the seconds since the start, so a slow start is never silent."""

    started: float = field(default_factory=time.monotonic)

    def step(self, text: str) -> None:
        print(f"[{time.monotonic() - self.started:5.1f} s] {text}", flush=True)


@dataclass(frozen=True)
class DemoStack:
    """What is running once start-up is done: the bot's config and the addresses to show."""

    config: Config
    page_url: str
    redis: DemoRedis
    exchanges: list[RunningExchange]


def main(options: DemoOptions) -> int:
    configure_logging(options.log_level, [DEMO_TOKEN])
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
    try:
        return asyncio.run(run_demo(options))
    except KeyboardInterrupt:  # before the event loop took the signals over
        return 130


async def run_demo(
    options: DemoOptions,
    on_ready: Callable[[DemoStack], None] | None = None,
    progress: Progress | None = None,
) -> int:
    """Start everything, run the bot until SIGINT/SIGTERM, stop everything. Returns the exit code."""
    progress = progress or Progress()
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    _listen(loop, stopping)
    try:
        # The longest silence of a start: importing aiogram's hundreds of models and matplotlib, and
        # right after installing, compiling them to bytecode and building matplotlib's font cache.
        progress.step(
            "loading the bot's code (aiogram, matplotlib): seconds, but the first start after"
            " installing compiles it and builds matplotlib's font cache, up to a minute..."
        )
        from bot import runner

        async with contextlib.AsyncExitStack() as stack:
            demo = await start_stack(stack, options, progress)
            if stopping.is_set():  # a signal came during start-up
                return 0
            progress.step("starting the bot...")
            # The runner puts its own SIGINT/SIGTERM handlers in place of ours (no moment without
            # one, which would let a Ctrl-C raise KeyboardInterrupt) and stops the bot gracefully.
            bot = asyncio.create_task(runner.run(demo.config))
            try:
                # The banner comes once every address it shows answers, the bot's health included.
                if await wait_until_healthy(_health_url(demo.config), bot, progress):
                    progress.step("ready")
                    (on_ready or print_banner)(demo)
                await bot
            except Exception:
                log.exception("the bot stopped because of an error")
                return 1
            finally:
                _listen(loop, stopping)
        print("demo stopped", flush=True)
        return 0
    except DemoError as exc:
        print(f"\n{exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        _unlisten(loop)


async def start_stack(
    stack: contextlib.AsyncExitStack, options: DemoOptions, progress: Progress | None = None
) -> DemoStack:
    """Redis, the simulators and the emulator, each registered on ``stack`` to be stopped in reverse."""
    progress = progress or Progress()
    progress.step(f"looking for Redis at {options.redis_url}...")
    try:
        redis = await stack.enter_async_context(provide_redis(options.redis_url))
    except RedisUnavailable as exc:
        raise DemoError(str(exc)) from None
    if redis.private:
        progress.step(f"none answered there: started a private redis-server at {redis.url}")
    # Fresh simulators start their nonces and orders from scratch, so the bot's state from an
    # earlier run must not be seen: a new prefix each run, removed at exit on a shared Redis.
    prefix = f"demo-{uuid.uuid4().hex[:12]}"
    if not redis.private:
        stack.push_async_callback(_delete_keys, redis.url, prefix)
    progress.step(f"starting the exchange simulators ({len(EXCHANGES)})...")
    exchanges = await stack.enter_async_context(running_exchanges())
    progress.step("starting the Telegram emulator and its chat page...")
    page_url = await stack.enter_async_context(_serve_emulator(options.host, options.port))
    config = demo_config(
        api_url=_local_url(page_url),
        redis_url=redis.url,
        redis_prefix=prefix,
        web_port=free_port(),
        exchanges=exchanges,
        log_level=options.log_level,
    )
    await _enrol_bob(config)
    _indodax_calls_back(config, exchanges)
    return DemoStack(config=config, page_url=page_url, redis=redis, exchanges=exchanges)


def _indodax_calls_back(config: Config, exchanges: Sequence[RunningExchange]) -> None:
    """As an operator registers it at Indodax: the simulator asks the bot before each withdrawCoin."""
    for exchange in exchanges:
        state = exchange.app[STATE_KEY]
        if isinstance(state, IndodaxState):
            account = account_entry(exchange)["name"]
            url = f"http://{config.web.host}:{config.web.port}/callbacks/indodax/{account}"
            state.callback_urls[exchange.account.name] = url


async def _enrol_bob(config: Config) -> None:
    """bob approves with step-up codes from the printed test secret, without scanning a QR first."""
    client = create_redis(config.redis.url)
    try:
        codes = TwoFactor(
            client, Keys(config.redis.prefix), config.security.encryption_key.get_secret_value()
        )
        await codes.enrol(STEP_UP_MEMBER, BOB_TOTP_SECRET)
    finally:
        await client.aclose()


def _health_url(config: Config) -> str:
    return f"http://127.0.0.1:{config.web.port}/healthz"


async def wait_until_healthy(url: str, bot: asyncio.Task[None], progress: Progress) -> bool:
    """Wait until ``url`` answers 200; False if the bot stopped first (a signal, or an error).
    A long wait is reported with the last answer, so it is never silent."""
    loop = asyncio.get_running_loop()
    next_report = loop.time() + STILL_WAITING_S
    last = "no answer"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        while not bot.done():
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return True
                    last = f"HTTP {response.status}: {(await response.text())[:200]}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                last = type(exc).__name__
            if loop.time() >= next_report:
                progress.step(f"still waiting for the bot to answer at {url} ({last})...")
                next_report = loop.time() + STILL_WAITING_S
            await asyncio.sleep(READY_POLL_S)
    return False


@contextlib.asynccontextmanager
async def _serve_emulator(host: str, port: int) -> AsyncIterator[str]:
    app = create_emulator(chat_page=True, chat_users=chat_users(), bot_username="chatops_demo_bot")
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise DemoError(
                    f"Port {port} on {host} is already in use. Pick another: python -m bot demo --port 8090"
                ) from None
            raise
        bound = runner.addresses[0][1]
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        yield f"http://{shown_host}:{bound}/"
    finally:
        await runner.cleanup()


def _local_url(page_url: str) -> str:
    """The bot reaches the emulator on the page's address, without the path."""
    return page_url.rstrip("/")


async def _delete_keys(url: str, prefix: str) -> None:
    client = create_redis(url)
    try:
        async for key in client.scan_iter(match=f"{prefix}:*", count=500):
            await client.delete(key)
    finally:
        await client.aclose()


def _listen(loop: asyncio.AbstractEventLoop, stopping: asyncio.Event) -> None:
    """Outside the bot's run (start-up, tear-down) a signal only asks to stop; tear-down goes on."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)


def _unlisten(loop: asyncio.AbstractEventLoop) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)


def print_banner(demo: DemoStack) -> None:
    config = demo.config
    team = ", ".join(f"{m.name} ({m.role})" for m in TEAM)
    accounts = ", ".join(account.name for account in config.accounts)
    if demo.redis.private:
        redis = f"{demo.redis.url} (a private redis-server, stopped at exit)"
    else:
        redis = f"{demo.redis.url} (keys under {config.redis.prefix}:, removed at exit)"
    # The simulators' control routes let a person play the exchange: inject a deposit, move a price.
    # Each address shown answers: /_control/ lists the routes (the API itself has no page at /).
    simulators = "\n".join(f"    {e.name:<10} {e.base_url}/_control/" for e in demo.exchanges)
    print(
        "\n"
        "ChatOps bot demo\n"
        f"  Open the chat:  {demo.page_url}\n"
        f"  Team:           {team}; {OUTSIDER.name} is not in the team\n"
        f"  Accounts:       {accounts}\n"
        f"  Redis:          {redis}\n"
        f"  Bot health:     {_health_url(config)}\n"
        f"  Step-up codes:  approvals above {STEP_UP_ABOVE} {config.portfolio.quote} need one; bob's test"
        f" secret is {BOB_TOTP_SECRET}, a code:\n"
        f"    python -c \"import pyotp;print(pyotp.TOTP('{BOB_TOTP_SECRET}').now())\"\n"
        f"  Simulated exchanges, their control routes (a deposit arriving, a price moving):\n{simulators}\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
