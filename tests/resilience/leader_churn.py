"""`python -m tests.resilience.leader_churn DIR [SECONDS]`: two copies of the real bot on one Redis (webhook
mode behind a round-robin proxy), the leader killed with SIGKILL every 30 s and started again at once,
while a member's price alerts fire and deposits arrive; at the end, every alert and every deposit has been
pushed exactly once. Exits 0 when so, else prints why and exits 1.

It runs in a process of its own so that its five minutes overlap the rest of the resilience suite
(tests/resilience/conftest.py starts it with the suite, tests/resilience/test_leader_churn.py reads its
verdict last).
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import aiohttp

from demo.exchanges import DEMO_ACCOUNT, RunningExchange, running_exchanges
from sandbox.exchanges.common import STATE_KEY, running
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, SentMessage, running_emulator
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_forks import BotForks
from tests.e2e.bot_process import BotSecrets
from tests.e2e.copies import WEBHOOK_PATH, RoundRobin, webhook_config
from tests.e2e.monitoring_stack import has_text

DURATION_S = 300.0
KILL_EVERY_S = 30.0
# one alert and one deposit this often: about fifty of each over the five minutes
EVENT_EVERY_S = 6.0
ALICE, DAVE = 1001, 1005  # the admin hears of deposits; dave, a viewer, sets the alerts
ALERTS_ON, PAIR = "iqfinex", "BTC/USDT"
DEPOSITS_ON = "indodax"
FAST = {
    "alerts": {"poll_interval_s": 1},
    "workers": {"leader_lease_s": 2},
    "watchers": {"indodax_interval_s": 1},
    "notifications": {"claim_after_s": 2},
    "actions": {"inflight_lease_s": 1, "reconcile_interval_s": 1},
    "logging": {"level": "INFO"},
}


def alert_push(number: int) -> Callable[[SentMessage], bool]:
    return has_text(f"Alert #{number}\n")


def deposit_push(amount: str) -> Callable[[SentMessage], bool]:
    return has_text(f"Deposit on {DEPOSITS_ON}-main", f"{amount} USDT")


async def leader(copies: list[BotForks], http: aiohttp.ClientSession) -> BotForks:
    """The copy holding the lease (one always does within a lease period of a kill)."""
    deadline = time.monotonic() + 60
    while True:
        for copy in copies:
            async with http.get(f"{copy.web_url}/healthz") as response:
                if (await response.json())["leader"] == "this copy":
                    return copy
        assert time.monotonic() < deadline, "no copy took the lead"
        await asyncio.sleep(0.2)


async def set_alert(client: EmulatorClient, price: Decimal) -> int:
    await client.send(DAVE, f"/alert {ALERTS_ON}-main {PAIR} > {price}")
    reply = await client.wait_for(DAVE, has_text("Alert set"), timeout=60)
    found = re.search(r"#(\d+)", reply.text or "")
    assert found is not None, reply.text
    return int(found.group(1))


async def control(http: aiohttp.ClientSession, exchange: RunningExchange, route: str, body: dict) -> None:
    async with http.post(f"{exchange.base_url}/_control/{route}", json=body) as reply:
        assert reply.status == 200, await reply.text()


async def churn(directory: Path, duration_s: float) -> str:
    secrets = BotSecrets()
    prefix = f"test-e2e-churn-{secrets.env_var.lower()}"
    ports = [free_port(), free_port()]
    proxy = RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
    copies: list[BotForks] = []
    try:
        async with (
            running_emulator() as (api_url, _app),
            running_exchanges() as exchanges,
            running(proxy.app()) as proxy_url,
            aiohttp.ClientSession() as http,
        ):
            by_name = {e.name: e for e in exchanges}
            for name, port in zip(("a", "b"), ports, strict=True):
                config = webhook_config(
                    directory / name,
                    port,
                    api_url=api_url,
                    webhook_url=proxy_url + WEBHOOK_PATH,
                    prefix=prefix,
                    secrets=secrets,
                    exchanges=exchanges,
                    extra=FAST,
                )
                copies.append(BotForks(config, port))
            for copy in copies:
                await copy.open()
            await asyncio.gather(*(copy.start() for copy in copies))
            book = by_name[ALERTS_ON].app[STATE_KEY].book(PAIR)
            base = book.reference_price()
            assert base is not None
            alerts: list[int] = []
            deposits: list[str] = []
            kills = 0
            async with EmulatorClient(api_url) as client:
                started = time.monotonic()
                next_kill = started + KILL_EVERY_S
                while time.monotonic() - started < duration_s:
                    number = len(alerts) + 1
                    # each alert above the last, the price moved well past it: it fires at the next tick
                    threshold = (base * (1 + Decimal("0.01") * number)).quantize(Decimal(1))
                    alerts.append(await set_alert(client, threshold))
                    mid = str(threshold * Decimal("1.005"))
                    await control(http, by_name[ALERTS_ON], "price", {"symbol": PAIR, "mid": mid})
                    deposits.append(f"{10 + number}.25")
                    await control(
                        http,
                        by_name[DEPOSITS_ON],
                        "deposit",
                        {
                            "account": DEMO_ACCOUNT,
                            "asset": "USDT",
                            "amount": deposits[-1],
                            "network": "TRC20",
                        },
                    )
                    if time.monotonic() >= next_kill:
                        killed = await leader(copies, http)
                        await killed.kill()
                        await killed.start()
                        kills += 1
                        next_kill += KILL_EVERY_S
                    await asyncio.sleep(EVENT_EVERY_S)  # pacing: events spread over the whole run

                for number in alerts:
                    await client.wait_for(DAVE, alert_push(number), timeout=120, since=0)
                for amount in deposits:
                    await client.wait_for(ALICE, deposit_push(amount), timeout=120, since=0)
                to_dave = await client.messages(DAVE, bot_only=True)
                to_alice = await client.messages(ALICE, bot_only=True)
            pushed = Counter({n: sum(1 for m in to_dave if alert_push(n)(m)) for n in alerts})
            pushed.update({a: sum(1 for m in to_alice if deposit_push(a)(m)) for a in deposits})
            twice = {event: count for event, count in pushed.items() if count != 1}
            assert kills >= duration_s // KILL_EVERY_S - 1, f"only {kills} kills"
            assert not twice, f"pushed more than once: {twice}"
            return (
                f"{kills} leader kills; {len(alerts)} alerts and {len(deposits)} deposits, each pushed once"
            )
    finally:
        for copy in copies:
            await copy.close()
        redis = create_redis(REDIS_URL)
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            await redis.delete(key)
        await redis.aclose()


if __name__ == "__main__":
    print(asyncio.run(churn(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else DURATION_S)))
