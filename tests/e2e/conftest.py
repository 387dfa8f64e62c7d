"""Fixtures for tests that drive the real bot process through the Bot API emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

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
