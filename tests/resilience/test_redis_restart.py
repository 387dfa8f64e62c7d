"""Redis (append-only, every write synced) killed and started again under the real bot: the bot recovers
by itself, and no alert, pending approval, action or queued push is lost."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.bot_forks import actions_of
from tests.e2e.monitoring_stack import Stack, has_text, running_stack
from tests.redis_sentinel import Node, until

pytestmark = [pytest.mark.resilience, pytest.mark.asyncio(loop_scope="module")]

BOB, CAROL, DAVE = 1002, 1003, 1005
PAIR = "BTC/USDT"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
CONFIG = {
    "alerts": {"poll_interval_s": 1},
    "workers": {"leader_lease_s": 2},
    "actions": {"inflight_lease_s": 1, "reconcile_interval_s": 1},
    "withdrawals": {"approvals_required": 1, "approval_timeout_s": 600},
}


class AppendOnlyRedis:
    """A redis-server of the test's own, persisting every write to its append-only file before answering."""

    def __init__(self, directory: Path) -> None:
        self.node = Node("aof", directory, password="")
        self.args = (
            *("--port", str(self.node.port), "--bind", "127.0.0.1", "--dir", str(self.node.dir)),
            *("--appendonly", "yes", "--appendfsync", "always", "--save", ""),
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.node.port}/0"

    def start(self) -> None:
        self.node.start(*self.args)

    def restart(self) -> None:
        """kill -9, then a new server on the same port and files."""
        self.node.kill()
        self.start()


@pytest.fixture
async def aof(tmp_path: Path) -> AsyncIterator[AppendOnlyRedis]:
    server = AppendOnlyRedis(tmp_path)
    server.start()
    yield server
    server.node.stop()


async def alert(stack: Stack, price: Decimal) -> int:
    reply = await stack.ask(DAVE, f"/alert iqfinex-main {PAIR} > {price}", has_text("Alert set"))
    found = re.search(r"#(\d+)", reply.text or "")
    assert found is not None
    return int(found.group(1))


async def health(stack: Stack) -> dict[str, object]:
    async with aiohttp.ClientSession() as http, http.get(f"{stack.web_url}/healthz") as response:
        return dict(await response.json())


async def test_the_bot_recovers_from_a_redis_restart_and_loses_nothing(
    tmp_path: Path, aof: AppendOnlyRedis
) -> None:
    (tmp_path / "bot").mkdir()
    async with running_stack(tmp_path / "bot", CONFIG, redis_url=aof.url) as stack:
        sim = stack.state("iqfinex")
        base = sim.book(PAIR).reference_price()
        assert base is not None
        fired_before = await alert(stack, (base * Decimal("1.1")).quantize(Decimal(1)))
        fired_after = await alert(stack, (base * Decimal("1.3")).quantize(Decimal(1)))

        order = await stack.ask(
            CAROL,
            # 5 % under the market: it stays open, and the moving price never takes it past the 10 % guard
            f"/buy iqfinex-main {PAIR} 0.0123 {(base * Decimal('0.95')).quantize(Decimal(1))}",
            has_text("Order preview"),
        )
        await stack.client.press(CAROL, CAROL, order.message_id, text="Confirm")
        await stack.client.wait_for(CAROL, has_text("Placed: order"), timeout=60)

        shown = await stack.ask(
            CAROL, f"/withdraw indodax-main BTC 0.0123 {ADDRESS}", has_text("Withdrawal preview")
        )
        await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
        asked = await stack.client.wait_for(
            BOB, has_text("Withdrawal request from carol", "0.0123"), timeout=60
        )

        # Telegram refuses every message for now: the alert's push waits in the outbox
        await stack.client.fail("sendMessage", 1_000_000)
        sim.reprice(PAIR, base * Decimal("1.2"))

        async def queued() -> bool:
            return int(str((await health(stack)).get("outbox_depth", 0))) > 0

        await until("the alert's push to wait in the outbox", queued)
        aof.restart()
        await stack.client.fail("sendMessage", 0)

        await stack.client.wait_for(DAVE, has_text(f"Alert #{fired_before}\n"), timeout=60, since=0)
        await stack.client.press(BOB, BOB, asked.message_id, text="Approve")
        await stack.client.wait_for(CAROL, has_text("Sent: withdrawal"), timeout=60, since=0)
        sim.reprice(PAIR, base * Decimal("1.4"))
        await stack.client.wait_for(DAVE, has_text(f"Alert #{fired_after}\n"), timeout=60, since=0)
        kinds = sorted(a.kind for a in await actions_of(stack.redis_prefix, aof.url))
        assert kinds == ["order", "withdrawal"]
        assert stack.process is not None and stack.process.returncode is None
        assert (await health(stack))["redis"] == "ok"
