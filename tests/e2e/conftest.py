"""Fixtures for tests that drive the real bot process through the Bot API emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping

import pytest
import pytest_asyncio

from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, running_emulator
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets, write_config

StartBot = Callable[[str], Awaitable[tuple[BotProcess, BotSecrets]]]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def emulator_url() -> AsyncIterator[str]:
    async with running_emulator() as (base_url, _app):
        yield base_url


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def client(emulator_url: str) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emulator_url) as control:
        yield control


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def start_bot(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[StartBot]:
    """Starts bot processes in "polling" or "webhook" mode; at the end stops them and removes their keys."""
    started: list[tuple[BotProcess, str]] = []

    async def start(mode: str) -> tuple[BotProcess, BotSecrets]:
        secrets = BotSecrets()
        prefix = f"test-e2e-{secrets.env_var.lower()}"
        port = free_port()
        config = write_config(
            tmp_path_factory.mktemp("bot"),
            api_url=emulator_url,
            web_port=port,
            redis_prefix=prefix,
            secrets=secrets,
            mode=mode,
        )
        process = BotProcess(config, port, {secrets.env_var: secrets.env_api_key})
        started.append((process, prefix))
        await process.start()
        return process, secrets

    yield start

    redis = create_redis(REDIS_URL)
    for process, prefix in started:
        if process.returncode is None:
            await process.stop()
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            await redis.delete(key)
    await redis.aclose()


def secrets_in(text: str, secrets: BotSecrets) -> list[str]:
    return [secret for secret in secrets.values() if secret in text]


OUTPUT_TAIL_LINES = 150


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test shows the end of its bot's output: a flake seen once in CI is then diagnosed from
    the report instead of guessed at."""
    report: pytest.TestReport = yield
    if report.failed:
        for name, process in _bot_processes(getattr(item, "funcargs", {})):
            tail = "".join(process.output.splitlines(keepends=True)[-OUTPUT_TAIL_LINES:])
            report.sections.append((f"bot output of {name} (last {OUTPUT_TAIL_LINES} lines)", tail))
    return report


def _bot_processes(funcargs: Mapping[str, object]) -> Iterator[tuple[str, BotProcess]]:
    for name, value in funcargs.items():
        if isinstance(value, BotProcess):
            yield name, value
        elif isinstance(getattr(value, "process", None), BotProcess):
            yield name, value.process  # type: ignore[attr-defined]
