"""Orders placed through the bot followed at each exchange (real HTTP, real Redis): nothing told while the
order rests; its fill told once to the placer when the market reaches it; the action then completed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from demo.exchanges import DEMO_ACCOUNT, create_simulator, demo_seed_for
from sandbox.exchanges.common import STATE_KEY, SimExchangeState, running
from services.accounts import AccountRegistry
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.models import OrderSide, OrderType
from services.orders.desk import ORDER
from services.redis_client import Keys
from services.watchers.fills import FillNews, FillTracker

pytestmark = pytest.mark.integration

# IncoreX has no order lookup; Narkasa shows open orders only (its fills come from the user stream)
PAIRS = {"indodax": "BTC/IDR"}


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


async def test_a_fill_is_told_once_to_the_placer_and_the_order_leaves_submitted(
    registry: tuple[AccountRegistry, SimExchangeState, str], redis: Redis, keys: Keys
) -> None:
    accounts, state, pair = registry
    (account,) = list(accounts)
    store = ActionStore(redis, keys)
    mid = state.book(pair).reference_price()
    assert mid is not None
    price = (mid * Decimal("0.9")).quantize(Decimal(1))
    params = {"pair": pair, "side": "buy", "type": "limit", "amount": "0.001", "price": str(price)}
    action, _token = await store.create(
        kind=ORDER, member_id=1003, chat_id=1003, account=account.name, params=params, ttl_s=60
    )
    await store.move(action.id, ActionState.CONFIRMED)
    await store.move(action.id, ActionState.SUBMITTING)
    placed = await account.client.create_order(pair, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), price)
    await store.move(
        action.id, ActionState.SUBMITTED, {"exchange_id": placed.id, "result": '{"filled": "0"}'}
    )
    told: list[FillNews] = []

    async def tell(news: FillNews) -> None:
        told.append(news)

    tracker = FillTracker(account, store, redis, keys, tell)
    await tracker.poll()
    assert told == []
    state.reprice(pair, mid * Decimal("0.8"))  # the market falls through the order's price
    await tracker.poll()
    await FillTracker(account, store, redis, keys, tell).poll()  # a restart
    assert [(n.action.member_id, n.order.filled, n.complete) for n in told] == [
        (1003, Decimal("0.001"), True)
    ]
    done = await store.get(action.id)
    assert done is not None and done.state is ActionState.COMPLETED
