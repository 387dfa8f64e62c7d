"""Bids created through the bot followed on the exchanger simulator (real HTTP, real Redis): each status
change told once to the creator, by the poll or after a callback once ``bid_info`` confirms it; a
callback is only a hint, and one naming no bid of ours is refused and audited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from demo.exchanges import DEMO_ACCOUNT, demo_seed_for
from sandbox.exchanges.common import running
from sandbox.exchanges.exchanger import SITE_KEY, ExchangerSite, create_app
from services.accounts import Account, AccountRegistry
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.audit import AuditLog
from services.bids import BID
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.exchanger.callback import BidUpdates
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.exchanger.models import BidStatus
from services.redis_client import Keys
from services.watchers.bids import BidCallbacks, BidNews, BidTracker

pytestmark = pytest.mark.integration

CAROL = 1003
ACCOUNT = "exchanger-main"
BTC_TO_USDT = "1"


@pytest.fixture
async def site() -> AsyncIterator[tuple[Account, ExchangerSite]]:
    # no status changes by themselves: the test moves each bid
    app = create_app(demo_seed_for("exchanger"), payout_delay=None)
    async with running(app) as base_url:
        demo = demo_seed_for("exchanger").account(DEMO_ACCOUNT)
        credentials = Credentials(demo.api_key, demo.api_secret, demo.api_login)
        accounts = AccountRegistry.build([("exchanger", ClientConfig(ACCOUNT, credentials, base_url))])
        try:
            yield accounts.get(ACCOUNT), app[SITE_KEY]
        finally:
            await accounts.close()


async def created_bid(account: Account, store: ActionStore) -> Action:
    """A bid as the bot creates it: the action submitted with the site's bid id and status."""
    action, _token = await store.create(
        kind=BID,
        member_id=CAROL,
        chat_id=CAROL,
        account=ACCOUNT,
        params={"direction_id": BTC_TO_USDT},
        ttl_s=60,
    )
    await store.move(action.id, ActionState.CONFIRMED)
    await store.move(action.id, ActionState.SUBMITTING)
    client = account.client
    assert isinstance(client, ExchangerClient)
    bid = await client.create_bid(BTC_TO_USDT, Decimal("0.01"), account_to="TXYZpayout")
    await store.move(
        action.id,
        ActionState.SUBMITTED,
        {"exchange_id": bid.id, "result": f'{{"status": "{bid.status.value}"}}'},
    )
    found = await store.get(action.id)
    assert found is not None
    return found


class Told:
    def __init__(self) -> None:
        self.news: list[BidNews] = []

    async def __call__(self, news: BidNews) -> None:
        self.news.append(news)

    @property
    def statuses(self) -> list[tuple[int, str]]:
        return [(n.action.member_id, n.bid.status.value) for n in self.news]


async def test_each_status_change_is_told_once_and_a_final_bid_leaves_submitted(
    site: tuple[Account, ExchangerSite], redis: Redis, keys: Keys
) -> None:
    account, sim = site
    store = ActionStore(redis, keys)
    action = await created_bid(account, store)
    told = Told()
    tracker = BidTracker(account, store, redis, keys, told)
    await tracker.poll()
    assert told.statuses == []  # "new" was shown when the bid was created
    sim.bids.move(sim.bids.bids[action.exchange_id], BidStatus.PAYED)
    await tracker.poll()
    await BidTracker(account, store, redis, keys, told).poll()  # a restart, or another leader
    sim.bids.move(sim.bids.bids[action.exchange_id], BidStatus.SUCCESS)
    await tracker.poll()
    await tracker.poll()
    assert told.statuses == [(CAROL, "payed"), (CAROL, "success")]
    done = await store.get(action.id)
    assert done is not None and done.state is ActionState.COMPLETED


async def test_a_callback_is_a_hint_confirmed_with_bid_info_before_anyone_is_told(
    site: tuple[Account, ExchangerSite], redis: Redis, keys: Keys
) -> None:
    account, sim = site
    store = ActionStore(redis, keys)
    audit = AuditLog(redis, keys)
    action = await created_bid(account, store)
    callbacks = BidCallbacks(ACCOUNT, BidUpdates(), store, audit, redis, keys)
    told = Told()
    tracker = BidTracker(account, store, redis, keys, told)

    # a post claiming a change that did not happen: looked up, nothing told
    assert (await callbacks.answer({"bid_id": action.exchange_id})).text == "ok"
    await tracker.hinted()
    assert told.statuses == []

    sim.bids.move(sim.bids.bids[action.exchange_id], BidStatus.CANCEL)
    assert (await callbacks.answer({"bid_id": action.exchange_id})).text == "ok"
    await tracker.hinted()
    await tracker.poll()  # the poll finds it told already, and the bid no longer followed
    assert told.statuses == [(CAROL, "cancel")]
    assert (await store.get(action.id)).state is ActionState.COMPLETED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("params", "reason"),
    [({"bid_id": "999999"}, "not_followed"), ({"bid_id": "1; DROP"}, "malformed"), ({}, "malformed")],
)
async def test_a_callback_naming_no_bid_of_ours_is_refused_and_audited(
    site: tuple[Account, ExchangerSite], redis: Redis, keys: Keys, params: dict[str, str], reason: str
) -> None:
    account, sim = site
    store = ActionStore(redis, keys)
    audit = AuditLog(redis, keys)
    await created_bid(account, store)
    reply = await BidCallbacks(ACCOUNT, BidUpdates(), store, audit, redis, keys).answer(params)
    assert (reply.status, reply.text) == (403, "refused")
    (entry,) = await audit.latest(action="bid.callback")
    assert entry.details["reason"] == reason and entry.details["answer"] == "refused"
    assert sim.core.stats()["requests"].get("bid_info", 0) == 0  # refused without asking the site


async def test_an_older_answer_settled_after_a_newer_one_is_not_told(
    site: tuple[Account, ExchangerSite], redis: Redis, keys: Keys
) -> None:
    account, sim = site
    store = ActionStore(redis, keys)
    action = await created_bid(account, store)
    client = account.client
    assert isinstance(client, ExchangerClient)
    older = await client.bid_info(bid_id=action.exchange_id)  # "new", read first...
    sim.bids.move(sim.bids.bids[action.exchange_id], BidStatus.PAYED)
    newer = await client.bid_info(bid_id=action.exchange_id)
    told = Told()
    tracker = BidTracker(account, store, redis, keys, told)
    await tracker._settle(action, newer, began=2.0)
    await tracker._settle(action, older, began=1.0)  # ... but settled last (another copy, a slow answer)
    assert told.statuses == [(CAROL, "payed")]
