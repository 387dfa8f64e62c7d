"""Two copies of the real bot on one Redis (webhook mode, as behind a load balancer) and the Bot API
emulator with Telegram's flood limits on: an alert fires once, and when the leader is killed the other
copy takes over the feed and the next alert still fires."""

from __future__ import annotations

import asyncio
import re
import signal
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from demo.exchanges import RunningExchange, running_exchanges
from sandbox.exchanges.common import STATE_KEY
from sandbox.telegram.client import EmulatorClient, SentMessage, running_emulator
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets
from tests.e2e.copies import leader_of, own_webhook_copy
from tests.e2e.monitoring_stack import has_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

DAVE = 1005  # viewer
EXCHANGE, ACCOUNT, PAIR = "iqfinex", "iqfinex-main", "BTC/USDT"
LEASE_S = 2.0


def copy(
    directory: Path, api_url: str, prefix: str, secrets: BotSecrets, exchanges: list[RunningExchange]
) -> BotProcess:
    return own_webhook_copy(
        directory,
        api_url=api_url,
        prefix=prefix,
        secrets=secrets,
        exchanges=exchanges,
        extra={"alerts": {"poll_interval_s": 1}, "workers": {"leader_lease_s": LEASE_S}},
    )


async def move_price(exchange: RunningExchange, mid: Decimal, http: aiohttp.ClientSession) -> None:
    async with http.post(
        f"{exchange.base_url}/_control/price", json={"symbol": PAIR, "mid": str(mid)}
    ) as reply:
        assert reply.status == 200


async def set_alert(client: EmulatorClient, condition: str) -> int:
    await client.send(DAVE, f"/alert {ACCOUNT} {PAIR} {condition}")
    reply = await client.wait_for(DAVE, has_text("Alert set"), timeout=30)
    found = re.search(r"#(\d+)", reply.text or "")
    assert found is not None
    return int(found.group(1))


def pushes_of(alert: int) -> Callable[[SentMessage], bool]:
    return has_text(f"Alert #{alert}\n")


async def test_two_copies_fire_an_alert_once_and_the_survivor_fires_the_next(tmp_path: Path) -> None:
    secrets = BotSecrets()
    prefix = f"test-e2e-alerts-{secrets.env_var.lower()}"
    async with running_emulator(flood=True) as (api_url, _app), running_exchanges() as exchanges:
        exchange = next(e for e in exchanges if e.name == EXCHANGE)
        copies = [copy(tmp_path / name, api_url, prefix, secrets, exchanges) for name in ("a", "b")]
        try:
            await asyncio.gather(*(process.start() for process in copies))
            async with EmulatorClient(api_url) as client, aiohttp.ClientSession() as http:
                base = exchange.app[STATE_KEY].book(PAIR).reference_price()
                assert base is not None
                first = await set_alert(client, f"> {(base * Decimal('1.1')).quantize(Decimal(1))}")
                second = await set_alert(client, f"> {(base * Decimal('1.3')).quantize(Decimal(1))}")

                await move_price(exchange, base * Decimal("1.2"), http)
                await client.wait_for(DAVE, pushes_of(first), timeout=30)

                roles = [await leader_of(process, http) for process in copies]
                assert sorted(roles) == ["another copy", "this copy"]
                leader, follower = copies if roles[0] == "this copy" else copies[::-1]
                await leader.stop(signal.SIGKILL)
                killed_at = time.monotonic()
                while await leader_of(follower, http) != "this copy":
                    assert time.monotonic() - killed_at < 30 * LEASE_S, "no copy took over"
                    await asyncio.sleep(0.1)

                await move_price(exchange, base * Decimal("1.4"), http)
                await client.wait_for(DAVE, pushes_of(second), timeout=30)
                pushed = await client.messages(DAVE, bot_only=True)
                assert sum(1 for m in pushed if pushes_of(first)(m)) == 1
                assert sum(1 for m in pushed if pushes_of(second)(m)) == 1
                assert "Traceback" not in follower.output
        finally:
            for process in copies:
                if process.returncode is None:
                    await process.stop()
            redis = create_redis(REDIS_URL)
            async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
                await redis.delete(key)
            await redis.aclose()
