"""Two copies of the real bot on one Redis, in webhook mode behind a round-robin proxy (as behind a load
balancer): 50 presses of one Confirm at once, spread over both copies, place one order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal
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

pytestmark = pytest.mark.asyncio(loop_scope="module")

CAROL = 1003
EXCHANGE, ACCOUNT = "iqfinex", "iqfinex-main"
PRESSES = 50


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"test-e2e-copies-{BotSecrets().env_var.lower()}"
    yield name
    redis = create_redis(REDIS_URL)
    async for key in redis.scan_iter(match=f"{name}:*", count=500):
        await redis.delete(key)
    await redis.aclose()


async def test_fifty_presses_at_once_on_two_copies_place_one_order(tmp_path: Path, prefix: str) -> None:
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
                mid = sim.book("BTC/USDT").reference_price()
                assert mid is not None
                price = (mid * Decimal("0.97")).quantize(Decimal("0.01"))
                await client.send(CAROL, f"/buy {ACCOUNT} BTC/USDT 0.0131 {price}")
                shown = await client.wait_for(
                    CAROL, lambda m: m.text is not None and "Order preview" in m.text, timeout=60
                )
                confirm = shown.button("Confirm")
                assert confirm is not None and confirm.callback_data is not None
                before = len(sim.orders_of("alice"))
                forwarded = dict(proxy.forwarded)

                async def press() -> str | None:
                    # once a copy has removed the buttons the emulator refuses a press, as Telegram would
                    with contextlib.suppress(EmulatorError):
                        return await client.press(CAROL, CAROL, shown.message_id, data=confirm.callback_data)
                    return None

                pressed = [p for p in await asyncio.gather(*(press() for _ in range(PRESSES))) if p]
                await client.wait_for(
                    CAROL,
                    lambda m: m.message_id == shown.message_id and "Placed: order" in (m.text or ""),
                    timeout=60,
                    since=0,
                )
                answers = [await client.callback_answer(p, timeout=60) for p in pressed]
        finally:
            for copy in copies:
                if copy.returncode is None:
                    await copy.stop()

    assert all(answer.answered for answer in answers)  # every press handled, by one copy or the other
    assert sum(1 for answer in answers if answer.text == "Sending…") == 1
    assert len(sim.orders_of("alice")) == before + 1
    assert all(proxy.forwarded[b] > forwarded[b] for b in proxy.backends)  # both copies took presses
