"""Redis for the demo: the configured one when it answers, else a private redis-server child."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

from redis.exceptions import RedisError

from sandbox.net import free_port
from services.redis_client import create_redis

log = logging.getLogger(__name__)

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
INSTALL_HINT = (
    "The demo needs Redis: none answers at {url} and there is no redis-server to start.\n"
    "Install it, then run the demo again:\n"
    "  Debian/Ubuntu:  sudo apt-get install redis-server\n"
    "  macOS:          brew install redis\n"
    "or point the demo at a Redis you have: python -m bot demo --redis-url redis://HOST:PORT/0"
)


class RedisUnavailable(RuntimeError):
    """No Redis could be had; the message says what to do."""


@dataclass(frozen=True)
class DemoRedis:
    url: str
    private: bool  # True: our own redis-server, gone with the demo; False: shared, clean up our keys


async def answers(url: str, timeout_s: float = 1.0) -> bool:
    client = create_redis(url, socket_timeout_s=timeout_s, connect_timeout_s=timeout_s)
    try:
        # redis-py types ping() as "Awaitable[bool] | bool" (sync and async share stubs).
        return bool(await client.ping())  # type: ignore[misc]
    except (RedisError, OSError):
        return False
    finally:
        await client.aclose()


@contextlib.asynccontextmanager
async def provide_redis(url: str, *, allow_private: bool = True) -> AsyncIterator[DemoRedis]:
    """``url`` if a Redis answers there; otherwise a redis-server of our own on a free port, stopped
    (and with nothing saved) when the block ends. Raises RedisUnavailable with install instructions."""
    if await answers(url):
        log.info("using the Redis at %s", url)
        yield DemoRedis(url, private=False)
        return
    binary = shutil.which("redis-server") if allow_private else None
    if binary is None:
        raise RedisUnavailable(INSTALL_HINT.format(url=url))
    async with _private_server(binary) as private_url:
        yield DemoRedis(private_url, private=True)


@contextlib.asynccontextmanager
async def _private_server(binary: str) -> AsyncIterator[str]:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    process = await asyncio.create_subprocess_exec(
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        # Its own session: a Ctrl-C in the terminal reaches only the demo, which stops the bot
        # before Redis rather than having both die at once.
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    try:
        await _wait_until_up(process, url)
        log.info("started a private redis-server (pid %s) at %s", process.pid, url)
        yield url
    finally:
        await _stop(process)


async def _wait_until_up(process: asyncio.subprocess.Process, url: str) -> None:
    deadline = asyncio.get_running_loop().time() + START_TIMEOUT_S
    while asyncio.get_running_loop().time() < deadline:
        if process.returncode is not None:
            error = (await process.stderr.read()).decode(errors="replace") if process.stderr else ""
            raise RedisUnavailable(f"redis-server exited with {process.returncode}: {error.strip()}")
        if await answers(url, timeout_s=0.5):
            return
        await asyncio.sleep(0.1)
    raise RedisUnavailable(f"redis-server did not answer at {url} within {START_TIMEOUT_S:.0f}s")


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("redis-server did not stop within %ss, killing it", STOP_TIMEOUT_S)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    log.info("private redis-server stopped")


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGTERM to redis-server if the demo dies without cleaning up (kill -9),
    so no server is left behind. Elsewhere a no-op: the normal stop path still applies."""
    if not sys.platform.startswith("linux"):
        return
    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
