"""The real bot on Redis with Sentinel: the replica is promoted while it runs, and it carries on with
its leader lease, its answers and its audit log."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, SentMessage
from services.audit import AuditLog
from services.redis_client import Keys, create_redis
from tests.e2e.bot_process import ADMIN_ID, BotProcess, BotSecrets, write_config
from tests.redis_sentinel import DB, REDIS_PASSWORD, SentinelSet, running_sentinel_set, until

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

PREFIX = "e2e-sentinel"


def sentinel_config(config: Path, nodes: SentinelSet) -> None:
    """Points the written config's [redis] section at the sentinel instead of a plain URL."""
    redis = nodes.redis_config
    sentinels = ", ".join(f'"{address}"' for address in redis["sentinels"])
    text = config.read_text(encoding="utf-8").replace(
        'url = "redis://127.0.0.1:6379/0"\n',
        f'url = "{redis["url"]}"\nsentinels = [{sentinels}]\n'
        f'sentinel_master = "{redis["sentinel_master"]}"\n'
        f'sentinel_password = "{redis["sentinel_password"]}"\n',
    )
    config.write_text(text + "\n[workers]\nleader_lease_s = 2\n", encoding="utf-8")


async def ask(client: EmulatorClient, text: str, expected: str) -> SentMessage:
    await client.send(ADMIN_ID, text, language_code="en")
    return await client.wait_for(ADMIN_ID, lambda m: m.from_bot and expected in (m.text or ""), timeout=30)


async def test_the_bot_carries_on_when_the_replica_is_promoted(
    emulator_url: str, client: EmulatorClient, tmp_path: Path
) -> None:
    with running_sentinel_set(tmp_path) as nodes:
        await nodes.ready()
        (tmp_path / "bot").mkdir()
        secrets, port = BotSecrets(), free_port()
        config = write_config(
            tmp_path / "bot", api_url=emulator_url, web_port=port, redis_prefix=PREFIX, secrets=secrets
        )
        sentinel_config(config, nodes)
        bot = BotProcess(config, port, {secrets.env_var: secrets.env_api_key})
        try:
            await bot.start()
            async with aiohttp.ClientSession() as http:

                async def health() -> dict[str, str]:
                    async with http.get(f"{bot.web_url}/healthz") as response:
                        return dict(await response.json())

                async def leading() -> bool:
                    return (await health()).get("leader") == "this copy"

                await until("the bot to hold the leader lease", leading)
                await ask(client, "/tz Europe/Berlin", "Europe/Berlin")
                await nodes.replicated()

                await nodes.fail_over()
                await ask(client, "/tz Asia/Tokyo", "Asia/Tokyo")
                await nodes.old_master_demoted()
                assert (await health())["redis"] == "ok"
                assert await leading()

            # on the promoted replica, in the URL's database: both changes, one chain, the bot's lease
            new_master = create_redis(f"redis://:{REDIS_PASSWORD}@127.0.0.1:{nodes.replica.port}/{DB}")
            try:
                audit = AuditLog(new_master, Keys(PREFIX))
                changes = await audit.latest(count=10, actor_id=ADMIN_ID, action="tz.set")
                assert [entry.details["timezone"] for entry in changes] == ["Asia/Tokyo", "Europe/Berlin"]
                assert (await audit.verify()).report.intact
                assert await new_master.get(Keys(PREFIX)("leader"))
            finally:
                await new_master.aclose()
        finally:
            if bot.returncode is None:
                await bot.stop()
        assert bot.returncode == 0, bot.output
