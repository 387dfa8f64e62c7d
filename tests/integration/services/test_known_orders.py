"""What the fill watcher knows of an account's orders, in Redis: partial fills each told once, a fill told
but not recorded told again, the largest fill kept whatever copies record at once, and no report after an
order ended taken for news."""

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


async def tell(known: KnownOrders, report: Order, floor: Decimal = Decimal(0)) -> bool:
    """What the watcher does with a report: tell it if it is news, then record it."""
    news = await known.fill_is_news(report, floor)
    if news:
        await known.told_fill(report)
    return news


async def test_copies_recording_at_once_keep_the_largest_fill_told(redis: Redis, keys: Keys) -> None:
    copies = [KnownOrders(redis, keys, "narkasa-main") for _ in range(8)]
    fills = ["0.1", "0.8", "0.3", "0.5", "0.2", "0.7", "0.4", "0.6"]
    await asyncio.gather(*(c.told_fill(order(f)) for c, f in zip(copies, fills, strict=True)))
    assert not await copies[0].fill_is_news(order("0.8"), Decimal(0))
    assert await copies[0].fill_is_news(order("0.81"), Decimal(0))


async def test_each_partial_fill_is_told_once_and_never_a_smaller_one(redis: Redis, keys: Keys) -> None:
    known = KnownOrders(redis, keys, "narkasa-main")
    told = [await tell(known, order(f)) for f in ("0", "0.2", "0.2", "0.5", "0.3", "1")]
    assert told == [False, True, False, True, False, True]


async def test_a_fill_told_but_not_recorded_is_told_again(redis: Redis, keys: Keys) -> None:
    """A copy killed between telling and recording: the next look tells it again (the outbox queues the
    same event once), rather than lose it."""
    known = KnownOrders(redis, keys, "narkasa-main")
    assert await known.fill_is_news(order("0.5"), Decimal(0))
    assert await tell(KnownOrders(redis, keys, "narkasa-main"), order("0.5"))


async def test_the_fill_seen_when_placing_is_not_told_again(redis: Redis, keys: Keys) -> None:
    known = KnownOrders(redis, keys, "narkasa-main")
    assert not await tell(known, order("0.4"), Decimal("0.4"))
    assert await tell(known, order("0.6"), Decimal("0.4"))


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
