"""A withdrawal the bot made on IncoreX, followed until final: once the exchange has sent it, its txid and
final state reach the requester and the approver, once each."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
import pytest_asyncio

from sandbox.telegram.client import SentMessage
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.monitoring_stack import Stack, has_text, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE, BOB, CAROL = 1001, 1002, 1003  # admin, approver, trader
ACCOUNT = "incorex-main"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    # IncoreX's wallet API takes 10 requests a minute: deposits, txid and history every 20 s fit in it
    extra = {"watchers": {"incorex_interval_s": 20}}
    async with running_stack(tmp_path_factory.mktemp("withdrawal-txids"), extra) as running:
        yield running


async def test_the_txid_reaches_the_requester_and_the_approver_once_it_appears(stack: Stack) -> None:
    shown = await stack.ask(CAROL, f"/withdraw {ACCOUNT} BTC 0.01 {ADDRESS}", has_text("Withdrawal preview"))
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    asked = await stack.client.wait_for(BOB, has_text("Withdrawal request from carol", ADDRESS))
    await stack.client.press(BOB, BOB, asked.message_id, text="Approve")
    await stack.client.wait_for(
        BOB, lambda m: m.message_id == asked.message_id and has_text("Sent: withdrawal")(m), timeout=30
    )

    url = f"{stack.exchanges['incorex'].base_url}/_control/withdrawals/complete"
    async with aiohttp.ClientSession() as http, http.post(url, json={}) as reply:
        assert reply.status == 200
        (sent,) = (await reply.json())["completed"]
    txid = str(sent["txid"])

    told = has_text(f"Withdrawal of 0.01 BTC from {ACCOUNT}", txid, "done")
    for member in (CAROL, BOB):
        pushed = await stack.client.wait_for(member, told, since=0, timeout=60)
        assert ADDRESS in (pushed.text or "")
    for member in (CAROL, BOB):
        assert sum(1 for m in await stack.client.messages(member, bot_only=True) if told(m)) == 1

    # the watcher of withdrawals made outside the bot looks once more: this one is the bot's, not news
    await a_look_after(stack, time.time())
    outside = has_text("made outside the bot")
    assert not [m for m in await stack.client.messages(ALICE, bot_only=True) if outside(m)]


async def test_withdrawals_lists_the_bots_own_requests_with_their_state_and_txid(stack: Stack) -> None:
    def line(*needles: str) -> Callable[[SentMessage], bool]:
        """A /withdrawals answer whose list of the bot's requests has a line with all of ``needles``."""
        return lambda m: (
            m.text is not None
            and any(
                all(n in row for n in needles)
                for row in m.text.split("Requested through the bot")[-1].splitlines()
            )
        )

    shown = await stack.ask(CAROL, f"/withdraw {ACCOUNT} BTC 0.02 {ADDRESS}", has_text("Withdrawal preview"))
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    asked = await stack.client.wait_for(BOB, has_text("Withdrawal request from carol", "0.02 BTC"))
    await stack.ask(CAROL, f"/withdrawals {ACCOUNT}", line("0.02 BTC", ACCOUNT, "waiting for approval"))

    await stack.client.press(BOB, BOB, asked.message_id, text="Approve")
    sent = await stack.client.wait_for(
        BOB, lambda m: m.message_id == asked.message_id and has_text("Sent: withdrawal")(m), timeout=30
    )
    await stack.ask(CAROL, f"/withdrawals {ACCOUNT}", line("0.02 BTC", ACCOUNT, "· sent", "no txid yet"))

    url = f"{stack.exchanges['incorex'].base_url}/_control/withdrawals/complete"
    async with aiohttp.ClientSession() as http, http.post(url, json={}) as reply:
        assert reply.status == 200
        (done,) = (await reply.json())["completed"]
    txid = str(done["txid"])
    # the watcher learns the txid and tells the requester; from then on /withdrawals shows it too. Its
    # polls are background requests: they may fill half of IncoreX's 10 wallet calls a minute, and this
    # test's own /withdrawals used the window up, so the next poll may wait out most of a minute
    await stack.client.wait_for(CAROL, has_text("Withdrawal of 0.02 BTC", txid), since=0, timeout=150)
    listed = await stack.ask(CAROL, f"/withdrawals {ACCOUNT}", line("0.02 BTC", ACCOUNT, "· done", txid))
    exchange_id = (sent.text or "").split("Sent: withdrawal ")[1].split(",")[0]
    assert line(f"id {exchange_id}", txid)(listed)
    # a preview never confirmed is no request
    await stack.ask(CAROL, f"/withdraw {ACCOUNT} BTC 0.03 {ADDRESS}", has_text("Withdrawal preview"))
    again = await stack.ask(CAROL, f"/withdrawals {ACCOUNT}", has_text("Requested through the bot"))
    assert "0.03 BTC" not in (again.text or "")


async def a_look_after(stack: Stack, moment: float) -> None:
    """Until the outside-withdrawal watcher has finished a look begun after ``moment`` (its Redis cursor)."""
    redis = create_redis(REDIS_URL)
    key = f"{stack.redis_prefix}:watch:withdrawals:{ACCOUNT}:cursor"
    try:
        async with asyncio.timeout(90):
            # the event is a key the bot process writes in Redis: nothing here to wait on but the key
            while float(await redis.get(key) or 0) <= moment:  # noqa: ASYNC110
                await asyncio.sleep(0.2)
    finally:
        await redis.aclose()
