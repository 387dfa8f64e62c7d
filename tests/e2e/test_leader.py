"""Two copies of the real bot on one Redis (webhook mode, as behind a load balancer): one leads; when it
is killed with SIGKILL the other takes over."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import aiohttp
import pytest

from sandbox.net import free_port
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets, write_config
from tests.e2e.copies import leader_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

LEASE_S = 2.0


async def copy(directory: Path, emulator_url: str, prefix: str, secrets: BotSecrets) -> BotProcess:
    port = free_port()
    config = write_config(
        directory, api_url=emulator_url, web_port=port, redis_prefix=prefix, secrets=secrets, mode="webhook"
    )
    config.write_text(config.read_text() + f"\n[workers]\nleader_lease_s = {LEASE_S}\n")
    return BotProcess(config, port, {secrets.env_var: secrets.env_api_key})


async def test_killing_the_leader_hands_the_background_work_to_the_other_copy(
    emulator_url: str, tmp_path: Path
) -> None:
    secrets = BotSecrets()
    prefix = f"test-e2e-leader-{secrets.env_var.lower()}"
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    copies = [await copy(tmp_path / name, emulator_url, prefix, secrets) for name in ("a", "b")]
    try:
        await asyncio.gather(*(process.start() for process in copies))
        async with aiohttp.ClientSession() as http:
            roles: list[str] = []
            for _ in range(100):  # the first claim happens right after start-up
                roles = [await leader_of(process, http) for process in copies]
                if "this copy" in roles:
                    break
                await asyncio.sleep(0.1)
            assert sorted(roles) == ["another copy", "this copy"]
            leader, follower = copies if roles[0] == "this copy" else copies[::-1]

            await leader.stop(signal.SIGKILL)
            killed_at = time.monotonic()
            while await leader_of(follower, http) != "this copy":
                assert time.monotonic() - killed_at < 30 * LEASE_S, "no copy took over"
                await asyncio.sleep(0.1)
        assert "leader: this copy" in follower.output
    finally:
        for process in copies:
            if process.returncode is None:
                await process.stop()
        redis = create_redis(REDIS_URL)
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            await redis.delete(key)
        await redis.aclose()
