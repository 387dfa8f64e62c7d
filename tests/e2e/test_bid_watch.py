"""Exchanger bids followed end to end: the real bot, the Bot API emulator and the exchanger simulator,
which posts each status change to the bot's callback URL (`[web] public_url` + /callbacks/exchanger/...).
The poll is set to an hour, so a change told within the test came through the callback; each is told
once to the member who created the bid, and a forged callback is refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
import pytest_asyncio

from sandbox.exchanges.exchanger import SITE_KEY, ExchangerSite
from sandbox.telegram.client import SentMessage
from tests.e2e.monitoring_stack import Stack, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE, CAROL = 1001, 1003
SITE, BTC_TO_USDT, PAYOUT = "exchanger-main", "1", "to=TXYZpayout"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(
        tmp_path_factory.mktemp("bids"), {"watchers": {"exchanger_interval_s": 3600}}
    ) as running:
        yield running


def site(stack: Stack) -> ExchangerSite:
    return stack.exchanges["exchanger"].app[SITE_KEY]


def has_text(*needles: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.text is not None and all(n in m.text for n in needles)


async def advance(stack: Stack, bid_id: str) -> None:
    """The site moves the bid on (new -> payed -> success), as its operator would."""
    url = f"{stack.exchanges['exchanger'].base_url}/_control/bid/status"
    async with aiohttp.ClientSession() as http, http.post(url, json={"id": bid_id}) as reply:
        assert reply.status == 200


async def created_bid(stack: Stack) -> str:
    shown = await stack.ask(CAROL, f"/bid {SITE} {BTC_TO_USDT} 0.01 {PAYOUT}", has_text("Bid preview"))
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    result = await stack.client.wait_for(
        CAROL, lambda m: m.message_id == shown.message_id and has_text("created, status new")(m), timeout=30
    )
    found = re.search(r"Bid (\S+) created", result.text or "")
    assert found is not None
    return found.group(1)


async def test_each_status_change_of_a_bid_reaches_its_creator_once_by_the_callback(stack: Stack) -> None:
    bid_id = await created_bid(stack)
    paid = has_text(f"Bid #{bid_id} on {SITE} is now paid")
    completed = has_text(f"Bid #{bid_id} on {SITE} is now completed")
    await advance(stack, bid_id)
    await stack.client.wait_for(CAROL, paid, since=0, timeout=30)
    if site(stack).bids.bids[bid_id].status.value != "success":  # the site may have paid out meanwhile
        await advance(stack, bid_id)
    await stack.client.wait_for(CAROL, completed, since=0, timeout=30)

    deliveries = [d for d in site(stack).callbacks if d["bid_id"] == bid_id]
    assert deliveries and all(d["http_status"] == 200 for d in deliveries if d["http_status"] is not None)
    pushed = await stack.client.messages(CAROL, bot_only=True)
    assert sum(1 for m in pushed if paid(m)) == 1
    assert sum(1 for m in pushed if completed(m)) == 1
    assert not [m for m in await stack.client.messages(ALICE, bot_only=True) if paid(m)]


async def test_a_callback_naming_no_bid_of_the_bot_is_refused(stack: Stack) -> None:
    url = f"{stack.web_url}/callbacks/exchanger/{SITE}"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data={"bid_id": "424242"}) as reply:
            assert (reply.status, await reply.text()) == (403, "refused")
        async with http.post(url, data={"bid_id": "<script>"}) as reply:
            assert reply.status == 403
    audit = await stack.ask(ALICE, "/audit bid.callback", has_text("bid.callback"))
    assert "not_followed" in (audit.text or "") and "malformed" in (audit.text or "")
