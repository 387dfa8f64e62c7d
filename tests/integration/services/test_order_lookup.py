"""Matching an unknown order at an exchange that lists no closed orders and no client ids: open orders
and our own fills, on pair, side, amount, price and time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import ClassVar

import pytest
from redis.asyncio import Redis

from services.accounts import Account, AccountRegistry
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges.base import ClientConfig, ExchangeClient
from services.exchanges.capabilities import Capability
from services.exchanges.models import Order, OrderSide, OrderStatus, OrderType, Trade
from services.orders.lookup import OrderLookup, Verdict
from services.redis_client import Keys

pytestmark = pytest.mark.integration

ACCOUNT = "plain-main"
PARAMS = {"pair": "BTC/USDT", "side": "buy", "type": "limit", "amount": "0.5", "price": "100"}


class PlainExchange(ExchangeClient):
    """Open orders and own fills only, answered from lists the test fills."""

    exchange = "plain"
    display_name = "Plain"
    default_base_url = "http://plain.invalid"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.FETCH_OPEN_ORDERS, Capability.FETCH_MY_TRADES}
    )

    def __init__(self) -> None:
        super().__init__(ClientConfig(ACCOUNT))
        self.open: list[Order] = []
        self.fills: list[Trade] = []

    async def fetch_open_orders(self, pair: str | None = None) -> list[Order]:
        return self.open

    async def fetch_my_trades(self, pair: str | None = None, limit: int | None = None) -> list[Trade]:
        return self.fills


def resting(order_id: str, *, amount: str = "0.5", price: str = "100", age_s: float = 0) -> Order:
    return Order(
        id=order_id,
        symbol="BTC/USDT",
        side=OrderSide.BUY,
        type=OrderType.LIMIT,
        status=OrderStatus.OPEN,
        amount=Decimal(amount),
        price=Decimal(price),
        timestamp=datetime.now(UTC) - timedelta(seconds=age_s),
    )


def fill(order_id: str, *, price: str, amount: str = "0.5") -> Trade:
    return Trade(
        id=f"t-{order_id}",
        order_id=order_id,
        symbol="BTC/USDT",
        side=OrderSide.BUY,
        price=Decimal(price),
        amount=Decimal(amount),
        timestamp=datetime.now(UTC),
    )


@pytest.fixture
def exchange() -> PlainExchange:
    return PlainExchange()


async def lookup_of(exchange: PlainExchange, redis: Redis, keys: Keys) -> tuple[OrderLookup, ActionStore]:
    store = ActionStore(redis, keys)
    accounts = AccountRegistry([Account(ACCOUNT, "plain", exchange)])
    return OrderLookup(accounts, store, not_found_after_s=0), store


async def unknown_action(store: ActionStore) -> str:
    action, _token = await store.create(
        kind="order", member_id=1, chat_id=1, account=ACCOUNT, params=PARAMS, ttl_s=60
    )
    for state in (ActionState.CONFIRMED, ActionState.SUBMITTING, ActionState.UNKNOWN):
        assert await store.move(action.id, state)
    return action.id


async def test_only_an_order_with_the_same_parameters_since_the_preview_matches(
    exchange: PlainExchange, redis: Redis, keys: Keys
) -> None:
    lookup, store = await lookup_of(exchange, redis, keys)
    action = await store.get(await unknown_action(store))
    assert action is not None
    exchange.open = [
        resting("other-price", price="101"),
        resting("other-amount", amount="0.4"),
        resting("before-the-preview", age_s=3600),
        resting("ours"),
    ]
    found = await lookup.find(action)
    assert found.verdict is Verdict.PLACED and found.order is not None and found.order.id == "ours"


async def test_fills_of_an_order_no_list_shows_make_it_a_candidate_not_a_certainty(
    exchange: PlainExchange, redis: Redis, keys: Keys
) -> None:
    lookup, store = await lookup_of(exchange, redis, keys)
    action = await store.get(await unknown_action(store))
    assert action is not None
    exchange.open = [resting("resting")]
    exchange.fills = [fill("filled", price="99.5"), fill("too-dear", price="100.5")]  # a buy fills at <= 100
    found = await lookup.find(action)
    assert found.verdict is Verdict.UNSURE
    assert [c["id"] for c in found.candidates] == ["resting", "filled"]


async def test_an_order_recorded_by_another_action_is_not_a_match(
    exchange: PlainExchange, redis: Redis, keys: Keys
) -> None:
    lookup, store = await lookup_of(exchange, redis, keys)
    earlier = await unknown_action(store)
    assert await store.move(earlier, ActionState.SUBMITTED, {"exchange_id": "theirs"})
    action = await store.get(await unknown_action(store))
    assert action is not None and time.time() - action.created_at < 60
    exchange.open = [resting("theirs"), resting("ours")]
    found = await lookup.find(action)
    assert found.verdict is Verdict.PLACED and found.order is not None and found.order.id == "ours"
