"""The real bot in a child process, wired to the simulators and the emulator this process serves: what the
end-to-end figures (alert latency, update throughput, confirm-to-exchange) time.

The child is `python -m bench.bot_process CONFIG.json`: the demo's config (its team and accounts) with the
bench's changes, through the same validation as a TOML file, run by bot.runner as `python -m bot` runs it.
The bot's logs go to a file next to the config, so a failed run can be read.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench.figures import REDIS_URL, drop_prefix
from demo.config import demo_config_data
from demo.exchanges import RunningExchange, running_exchanges
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, running_emulator
from services.redis_client import create_redis

START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 40.0


@dataclass
class Stack:
    client: EmulatorClient
    exchanges: dict[str, RunningExchange]
    emulator_url: str
    bot_pid: int


async def _healthy(url: str, child: asyncio.subprocess.Process, log: Path) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT_S
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        while loop.time() < deadline:
            if child.returncode is not None:
                raise RuntimeError(f"the bot exited ({child.returncode}); its log: {log}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise TimeoutError(f"the bot did not answer {url} within {START_TIMEOUT_S:.0f} s; its log: {log}")


@contextlib.asynccontextmanager
async def running_bot(
    config: Mapping[str, Any], workdir: Path, health_url: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    path = workdir / f"bot-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps(config))
    log = path.with_suffix(".log")
    with log.open("wb") as out:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.bot_process", str(path), stdout=out, stderr=out, cwd=os.getcwd()
        )
    try:
        await _healthy(health_url, child, log)
        yield child
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(child.wait(), STOP_TIMEOUT_S)
            except TimeoutError:
                child.kill()
                await child.wait()


@contextlib.asynccontextmanager
async def running_stack(
    extra: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    flood: bool = True,
    before_start: Callable[[EmulatorClient], Awaitable[None]] | None = None,
) -> AsyncIterator[Stack]:
    """The five simulators and the emulator in this process, the bot in a child; ``extra`` replaces
    config sections; ``before_start`` acts on the emulator before the bot starts. At exit the bot is
    stopped and its keys removed."""
    prefix = f"bench-{uuid.uuid4().hex[:12]}"
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-bot-") as workdir:
        async with (
            running_emulator(flood=flood) as (api_url, _app),
            running_exchanges() as exchanges,
            EmulatorClient(api_url) as client,
        ):
            data = demo_config_data(
                api_url=api_url,
                redis_url=REDIS_URL,
                redis_prefix=prefix,
                web_port=port,
                exchanges=exchanges,
                log_level="WARNING",
            )
            data.update({section: dict(values) for section, values in (extra or {}).items()})
            if before_start is not None:
                await before_start(client)
            try:
                health = f"http://127.0.0.1:{port}/healthz"
                async with running_bot(data, Path(workdir), health) as child:
                    yield Stack(client, {e.name: e for e in exchanges}, api_url, child.pid)
            finally:
                redis = create_redis(REDIS_URL)
                await drop_prefix(redis, prefix)
                await redis.aclose()


def main(path: str) -> None:
    from bot import runner
    from bot.config import parse_config
    from bot.log import configure_logging

    config = parse_config(json.loads(Path(path).read_text()))
    configure_logging(config.logging.level, config.secret_values())
    asyncio.run(runner.run(config))


if __name__ == "__main__":
    main(sys.argv[1])
