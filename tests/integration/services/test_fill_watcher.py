"""Order fills followed at each exchange by polling (real HTTP, real Redis): an order that was open at the
first look is not news until it fills; an order placed through the bot is told to its placer, the others
as the account's; each fill once, also after a restart; the bot's action then completed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from demo.exchanges import DEMO_ACCOUNT, create_simulator, demo_seed_for
from sandbox.exchanges.common import STATE_KEY, SimExchangeState, running
from services.accounts import Account, AccountRegistry
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.models import OrderSide, OrderType
from services.orders.desk import ORDER
from services.redis_client import Keys
from services.watchers.fills import FillNews, FillWatcher

pytestmark = pytest.mark.integration

PAIRS = {"incorex": "BTC/USDT", "indodax": "BTC/IDR", "iqfinex": "BTC/USDT", "narkasa": "BTC/USDT"}
AMOUNT = Decimal("0.001")


@pytest.fixture(params=sorted(PAIRS))
async def registry(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[AccountRegistry, SimExchangeState, str]]:
    name = request.param
    seed = demo_seed_for(name).replace(drift_interval=0.0)
    app = create_simulator(name, seed)
    async with running(app) as base_url:
        demo = seed.account(DEMO_ACCOUNT)
        credentials = Credentials(demo.api_key, demo.api_secret, demo.api_login)
        accounts = AccountRegistry.build([(name, ClientConfig(f"{name}-main", credentials, base_url))])
        try:
            yield accounts, app[STATE_KEY], PAIRS[name]
        finally:
            await accounts.close()


async def place_through_the_bot(store: ActionStore, account: Account, pair: str, price: Decimal) -> str:
    params = {"pair": pair, "side": "buy", "type": "limit", "amount": str(AMOUNT), "price": str(price)}
    action, _token = await store.create(
        kind=ORDER, member_id=1003, chat_id=1003, account=account.name, params=params, ttl_s=60
    )
    await store.move(action.id, ActionState.CONFIRMED)
    await store.move(action.id, ActionState.SUBMITTING)
    placed = await account.client.create_order(pair, OrderSide.BUY, OrderType.LIMIT, AMOUNT, price)
    await store.move(
        action.id, ActionState.SUBMITTED, {"exchange_id": placed.id, "result": '{"filled": "0"}'}
    )
    return action.id


async def test_each_fill_is_told_once_to_the_placer_or_as_the_accounts(
    registry: tuple[AccountRegistry, SimExchangeState, str], redis: Redis, keys: Keys
) -> None:
    accounts, state, pair = registry
    (account,) = list(accounts)
    store = ActionStore(redis, keys)
    mid = state.book(pair).reference_price()
    assert mid is not None
    at_start = state.place_order(
        DEMO_ACCOUNT, pair, "buy", "limit", AMOUNT, (mid * Decimal("0.9")).quantize(1)
    )
    told: list[FillNews] = []

    async def tell(news: FillNews) -> None:
        told.append(news)

    watcher = FillWatcher(account, store, redis, keys, tell)
    await watcher.poll()  # the first look only records
    ours = await place_through_the_bot(store, account, pair, (mid * Decimal("0.9")).quantize(1))
    outside = state.place_order(
        DEMO_ACCOUNT, pair, "buy", "limit", AMOUNT, (mid * Decimal("0.85")).quantize(1)
    )
    await watcher.poll()
    assert told == []

    state.reprice(pair, mid * Decimal("0.8"))  # the market falls through the orders' prices
    await watcher.poll()
    await FillWatcher(account, store, redis, keys, tell).poll()  # a restart, or a new leader
    done = {n.order.id: (n.action.id if n.action else None, n.order.filled, n.complete) for n in told}
    assert len(told) == 3
    assert done[at_start.id] == (None, AMOUNT, True)
    assert done[outside.id] == (None, AMOUNT, True)
    assert [(a, f, c) for a, f, c in done.values() if a is not None] == [(ours, AMOUNT, True)]
    action = await store.get(ours)
    assert action is not None and action.state is ActionState.COMPLETED


async def test_an_order_placed_and_filled_between_two_looks_is_told(
    registry: tuple[AccountRegistry, SimExchangeState, str], redis: Redis, keys: Keys
) -> None:
    accounts, state, pair = registry
    (account,) = list(accounts)
    store = ActionStore(redis, keys)
    told: list[FillNews] = []

    async def tell(news: FillNews) -> None:
        told.append(news)

    watcher = FillWatcher(account, store, redis, keys, tell)
    await watcher.poll()
    mid = state.book(pair).reference_price()
    assert mid is not None
    ours = await place_through_the_bot(store, account, pair, (mid * Decimal("0.9")).quantize(1))
    state.reprice(pair, mid * Decimal("0.8"))
    await watcher.poll()
    await watcher.poll()
    assert [(n.action.id if n.action else None, n.order.filled, n.complete) for n in told] == [
        (ours, AMOUNT, True)
    ]


async def test_without_all_orders_only_the_bots_orders_are_told(
    registry: tuple[AccountRegistry, SimExchangeState, str], redis: Redis, keys: Keys
) -> None:
    accounts, state, pair = registry
    (account,) = list(accounts)
    store = ActionStore(redis, keys)
    told: list[FillNews] = []

    async def tell(news: FillNews) -> None:
        told.append(news)

    watcher = FillWatcher(account, store, redis, keys, tell, every_order=False)
    await watcher.poll()
    mid = state.book(pair).reference_price()
    assert mid is not None
    ours = await place_through_the_bot(store, account, pair, (mid * Decimal("0.9")).quantize(1))
    state.place_order(DEMO_ACCOUNT, pair, "buy", "limit", AMOUNT, (mid * Decimal("0.9")).quantize(1))
    await watcher.poll()
    state.reprice(pair, mid * Decimal("0.8"))
    await watcher.poll()
    assert [n.action.id if n.action else None for n in told] == [ours]


@pytest.fixture
async def iqfinex() -> AsyncIterator[tuple[Account, SimExchangeState]]:
    seed = demo_seed_for("iqfinex").replace(drift_interval=0.0)
    app = create_simulator("iqfinex", seed)
    async with running(app) as base_url:
        demo = seed.account(DEMO_ACCOUNT)
        credentials = Credentials(demo.api_key, demo.api_secret, demo.api_login)
        accounts = AccountRegistry.build([("iqfinex", ClientConfig("iqfinex-main", credentials, base_url))])
        try:
            yield next(iter(accounts)), app[STATE_KEY]
        finally:
            await accounts.close()


async def test_on_iqfinex_an_order_placed_and_filled_on_the_site_between_two_looks_is_told(
    iqfinex: tuple[Account, SimExchangeState], redis: Redis, keys: Keys
) -> None:
    account, state = iqfinex
    pair = PAIRS["iqfinex"]
    told: list[FillNews] = []

    async def tell(news: FillNews) -> None:
        told.append(news)

    mid = state.book(pair).reference_price()
    assert mid is not None
    before = state.place_order(DEMO_ACCOUNT, pair, "buy", "market", AMOUNT)  # filled before the first look
    watcher = FillWatcher(account, ActionStore(redis, keys), redis, keys, tell)
    await watcher.poll()
    between = state.place_order(DEMO_ACCOUNT, pair, "buy", "market", AMOUNT)
    await watcher.poll()
    await watcher.poll()
    assert before.status != "open" and [(n.order.id, n.complete) for n in told] == [(between.id, True)]
