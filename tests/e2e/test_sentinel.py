"""The real bot on Redis with Sentinel: the replica is promoted while it runs, and it carries on with
its leader lease, its answers and its audit log, its alerts and its queued pushes."""

from __future__ import annotations

import re
import signal
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from demo.exchanges import running_exchanges
from sandbox.exchanges.common import STATE_KEY
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, SentMessage
from services.audit import AuditLog
from services.outbox.queue import Outbox, Push
from services.redis_client import Keys, create_redis
from tests.e2e.bot_process import ADMIN_ID, BotProcess, BotSecrets, write_config
from tests.e2e.monitoring_stack import write_monitoring_config
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


DAVE = 1005  # the demo team's viewer
EXCHANGE, ACCOUNT, PAIR = "iqfinex", "iqfinex-main", "BTC/USDT"
ALERTS_PREFIX = "e2e-sentinel-alerts"


async def bot_sends(client: EmulatorClient, bot_id: int, chat_id: int, needle: str) -> int:
    """How many messages containing ``needle`` the emulator accepted from this bot for the chat."""
    return sum(
        1
        for call in await client.calls("sendMessage")
        if call["bot_id"] == bot_id
        and call.get("ok")
        and int(call["params"]["chat_id"]) == chat_id
        and needle in str(call["params"]["text"])
    )


async def test_an_alert_set_and_a_push_queued_before_the_failover_are_delivered_once_after(
    client: EmulatorClient, emulator_url: str, tmp_path: Path
) -> None:
    """The bot is frozen (SIGSTOP) with a push queued and not yet sent while the replica is promoted;
    thawed, it holds connections to a master that is now a replica, and must find the new one."""
    with running_sentinel_set(tmp_path) as nodes:
        await nodes.ready()
        (tmp_path / "bot").mkdir()
        secrets, port = BotSecrets(), free_port()
        async with running_exchanges() as exchanges, aiohttp.ClientSession() as http:
            config = write_monitoring_config(
                tmp_path / "bot",
                api_url=emulator_url,
                redis_url="",
                redis_prefix=ALERTS_PREFIX,
                web_port=port,
                exchanges=exchanges,
                token=secrets.token,
                extra={
                    "redis": {**nodes.redis_config, "prefix": ALERTS_PREFIX},
                    "alerts": {"poll_interval_s": 1},
                    "workers": {"leader_lease_s": 2},
                },
            )
            iqfinex = next(e for e in exchanges if e.name == EXCHANGE)
            base = iqfinex.app[STATE_KEY].book(PAIR).reference_price()
            assert base is not None
            bot = BotProcess(config, port, {})
            try:
                await bot.start()
                await client.send(DAVE, f"/alert {ACCOUNT} {PAIR} > {(base * Decimal('1.1')):.0f}")
                set_reply = await client.wait_for(
                    DAVE, lambda m: m.from_bot and "Alert set" in (m.text or ""), timeout=30
                )
                found = re.search(r"#(\d+)", set_reply.text or "")
                assert found is not None
                fired = f"Alert #{found.group(1)}\n"

                bot.send_signal(signal.SIGSTOP)
                try:
                    master = create_redis(f"redis://:{REDIS_PASSWORD}@127.0.0.1:{nodes.master.port}/{DB}")
                    try:
                        await Outbox(master, Keys(ALERTS_PREFIX)).enqueue(
                            Push(DAVE, ("queued before the failover",))
                        )
                    finally:
                        await master.aclose()
                    await nodes.replicated()
                    await nodes.fail_over()
                    await nodes.old_master_demoted()
                finally:
                    bot.send_signal(signal.SIGCONT)

                await client.wait_for(
                    DAVE, lambda m: m.from_bot and "queued before the failover" in (m.text or ""), timeout=60
                )
                async with http.post(
                    f"{iqfinex.base_url}/_control/price",
                    json={"symbol": PAIR, "mid": str(base * Decimal("1.2"))},
                ) as reply:
                    assert reply.status == 200
                await client.wait_for(DAVE, lambda m: m.from_bot and fired in (m.text or ""), timeout=60)
                # a later message to the same chat, so anything doubled would have arrived before it
                await client.send(DAVE, "/alerts")
                await client.wait_for(
                    DAVE, lambda m: m.from_bot and "You have no alerts" in (m.text or ""), timeout=30
                )
                assert await bot_sends(client, secrets.bot_id, DAVE, "queued before the failover") == 1
                assert await bot_sends(client, secrets.bot_id, DAVE, fired) == 1
            finally:
                if bot.returncode is None:
                    await bot.stop()
        assert bot.returncode == 0, bot.output
