"""Two copies of the real bot on one Redis, in webhook mode behind a round-robin proxy: fifty Approve
presses at once, by two approvers, spread over both copies, withdraw once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from demo.exchanges import running_exchanges
from sandbox.exchanges.common import STATE_KEY, running
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, EmulatorError, running_emulator
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets
from tests.e2e.copies import WEBHOOK_PATH, RoundRobin, webhook_config
from tests.e2e.monitoring_stack import has_text

pytestmark = [pytest.mark.resilience, pytest.mark.asyncio(loop_scope="module")]

ALICE, BOB, CAROL = 1001, 1002, 1003
EXCHANGE, ACCOUNT = "indodax", "indodax-main"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
PRESSES = 50


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"test-e2e-approvals-{BotSecrets().env_var.lower()}"
    yield name
    redis = create_redis(REDIS_URL)
    async for key in redis.scan_iter(match=f"{name}:*", count=500):
        await redis.delete(key)
    await redis.aclose()


async def test_fifty_approvals_at_once_on_two_copies_withdraw_once(tmp_path: Path, prefix: str) -> None:
    secrets = BotSecrets()
    ports = [free_port(), free_port()]
    proxy = RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
    async with (
        running_emulator() as (api_url, _app),
        running_exchanges() as exchanges,
        running(proxy.app()) as proxy_url,
    ):
        copies = [
            BotProcess(
                webhook_config(
                    tmp_path / name,
                    port,
                    api_url=api_url,
                    webhook_url=proxy_url + WEBHOOK_PATH,
                    prefix=prefix,
                    secrets=secrets,
                    exchanges=exchanges,
                ),
                port,
                {},
            )
            for name, port in zip(("a", "b"), ports, strict=True)
        ]
        sim = next(e.app[STATE_KEY] for e in exchanges if e.name == EXCHANGE)
        try:
            await asyncio.gather(*(copy.start() for copy in copies))
            async with EmulatorClient(api_url) as client:
                await client.send(CAROL, f"/withdraw {ACCOUNT} BTC 0.0123 {ADDRESS}")
                shown = await client.wait_for(CAROL, has_text("Withdrawal preview", "0.0123"), timeout=60)
                await client.press(CAROL, CAROL, shown.message_id, text="Confirm")
                asked = {
                    member: await client.wait_for(
                        member, has_text("Withdrawal request from carol", "0.0123"), timeout=60
                    )
                    for member in (BOB, ALICE)
                }
                approve = {member: message.button("Approve") for member, message in asked.items()}
                before = len(sim.transfers.query("alice", "withdrawal"))
                forwarded = dict(proxy.forwarded)

                async def press(number: int) -> str | None:
                    member = (BOB, ALICE)[number % 2]
                    data = approve[member].callback_data  # type: ignore[union-attr]
                    # once a copy has removed the buttons the emulator refuses a press, as Telegram would
                    with contextlib.suppress(EmulatorError):
                        return await client.press(member, member, asked[member].message_id, data=data)
                    return None

                pressed = [p for p in await asyncio.gather(*(press(i) for i in range(PRESSES))) if p]
                await client.wait_for(CAROL, has_text("Sent: withdrawal"), timeout=60, since=0)
                answers = [await client.callback_answer(p, timeout=60) for p in pressed]
        finally:
            for copy in copies:
                if copy.returncode is None:
                    await copy.stop()

    assert all(answer.answered for answer in answers)  # every press handled, by one copy or the other
    assert sum(1 for answer in answers if answer.text == "Approved: sending.") == 1
    assert len(sim.transfers.query("alice", "withdrawal")) == before + 1
    assert all(proxy.forwarded[b] > forwarded[b] for b in proxy.backends)  # both copies took presses
