"""What the fill watcher knows of an account's orders, in Redis: each fill told once however many copies
ask at once, partial fills each once, and no report after an order ended taken for news."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from redis.asyncio import Redis

from services.exchanges.models import Order, OrderSide, OrderStatus, OrderType
from services.redis_client import Keys
from services.watchers.orders import KnownOrders


def order(filled: str, status: OrderStatus = OrderStatus.OPEN, oid: str = "7") -> Order:
    return Order(
        id=oid, symbol="BTC/USDT", side=OrderSide.BUY, type=OrderType.LIMIT, status=status,
        amount=Decimal(1), price=Decimal(100), filled=Decimal(filled),
    )  # fmt: skip


async def test_a_fill_is_told_once_however_many_copies_ask_at_once(redis: Redis, keys: Keys) -> None:
    copies = [KnownOrders(redis, keys, "narkasa-main") for _ in range(8)]
    told = await asyncio.gather(*(c.tell_fill(order("0.5"), Decimal(0)) for c in copies))
    assert sorted(told) == [False] * 7 + [True]


async def test_each_partial_fill_is_told_once_and_never_a_smaller_one(redis: Redis, keys: Keys) -> None:
    known = KnownOrders(redis, keys, "narkasa-main")
    told = [await known.tell_fill(order(f), Decimal(0)) for f in ("0", "0.2", "0.2", "0.5", "0.3", "1")]
    assert told == [False, True, False, True, False, True]


async def test_the_fill_seen_when_placing_is_not_told_again(redis: Redis, keys: Keys) -> None:
    known = KnownOrders(redis, keys, "narkasa-main")
    assert not await known.tell_fill(order("0.4"), Decimal("0.4"))
    assert await known.tell_fill(order("0.6"), Decimal("0.4"))


async def test_nothing_after_an_order_ended_is_news_and_it_is_no_longer_open(
    redis: Redis, keys: Keys
) -> None:
    known = KnownOrders(redis, keys, "narkasa-main")
    assert await known.record(order("0"))
    assert not await known.record(order("0"))
    assert await known.record(order("0", oid="8"))
    assert await known.record(order("1", OrderStatus.CLOSED))
    assert not await known.record(order("1", OrderStatus.CANCELED))
    assert not await known.record(order("0.5"))
    assert [o.id for o in await known.open_orders(seen_before=float("inf"))] == ["8"]
    assert await known.open_orders(seen_before=0.0) == []
