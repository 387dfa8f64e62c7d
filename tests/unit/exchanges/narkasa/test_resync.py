"""Each order state change is reported once, whether the socket or the REST resync saw it first."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.exchanges.models import (
    Balance,
    Balances,
    Order,
    OrderSide,
    OrderStatus,
    OrderType,
    Trade,
)
from services.exchanges.narkasa.models import OrderUpdateEvent
from services.exchanges.narkasa.stream import LastBalances, OrderTracker, resync

PLACED = datetime(2024, 1, 1, tzinfo=UTC)
LATER = datetime(2024, 1, 1, 0, 5, tzinfo=UTC)


def order(filled: str = "0", status: OrderStatus = OrderStatus.OPEN, oid: str = "1") -> Order:
    return Order(
        id=oid,
        symbol="BTC/USDT",
        side=OrderSide.SELL,
        type=OrderType.LIMIT,
        status=status,
        amount=Decimal("1"),
        price=Decimal(100),
        filled=Decimal(filled),
        timestamp=PLACED,
    )


def update(raw: str, filled: str = "0", oid: str = "1") -> OrderUpdateEvent:
    status = {"FILLED": OrderStatus.CLOSED, "CANCELLED": OrderStatus.CANCELED}.get(raw, OrderStatus.OPEN)
    return OrderUpdateEvent(order=order(filled, status, oid), raw_status=raw)


async def test_a_repeated_state_is_dropped() -> None:
    tracker = OrderTracker()
    assert await tracker.accept(update("NEW"))
    assert not await tracker.accept(update("NEW"))


async def test_each_partial_fill_passes() -> None:
    tracker = OrderTracker()
    assert await tracker.accept(update("PARTIALLY_FILLED", "0.2"))
    assert await tracker.accept(update("PARTIALLY_FILLED", "0.5"))


async def test_an_older_fill_after_a_newer_one_is_dropped() -> None:
    tracker = OrderTracker()
    await tracker.accept(update("PARTIALLY_FILLED", "0.5"))
    assert not await tracker.accept(update("NEW"))


async def test_nothing_follows_a_final_state() -> None:
    tracker = OrderTracker()
    await tracker.accept(update("FILLED", "1"))
    assert not await tracker.accept(update("FILLED", "1"))
    assert not await tracker.accept(update("CANCELLED", "1"))


class FakeClient:
    """What resync asks of the REST client."""

    def __init__(self, open_orders: list[Order], trades: list[Trade], usdt: str = "0") -> None:
        self.open_orders = open_orders
        self.trades = trades
        self.usdt = Decimal(usdt)

    async def fetch_open_orders(self) -> list[Order]:
        return self.open_orders

    async def fetch_my_trades(self) -> list[Trade]:
        return self.trades

    async def fetch_balance(self) -> Balances:
        return Balances(assets={"USDT": Balance(asset="USDT", free=self.usdt)})


def trade(amount: str, price: int = 100, when: datetime = LATER) -> Trade:
    return Trade(
        id=f"t{amount}",
        symbol="BTC/USDT",
        side=OrderSide.SELL,
        price=Decimal(price),
        amount=Decimal(amount),
        timestamp=when,
    )


async def run(tracker: OrderTracker, client: Any, balances: LastBalances | None = None) -> list[Any]:
    return await resync(client, tracker, balances or LastBalances(), silent=False)


async def test_an_order_gone_with_trades_covering_it_was_filled() -> None:
    tracker = OrderTracker()
    await tracker.accept(update("NEW"))
    [event, *_] = await run(tracker, FakeClient([], [trade("0.4"), trade("0.6", 101)]))
    assert (event.raw_status, event.order.filled, event.source) == ("FILLED", Decimal(1), "resync")


async def test_an_order_gone_without_trades_was_cancelled() -> None:
    tracker = OrderTracker()
    await tracker.accept(update("PARTIALLY_FILLED", "0.3"))
    [event, *_] = await run(
        tracker, FakeClient([], [trade("0.3"), trade("1", 99), trade("1", when=PLACED.replace(year=2023))])
    )
    assert (event.raw_status, event.order.filled) == ("CANCELLED", Decimal("0.3"))


async def test_a_fill_the_socket_already_reported_is_not_repeated() -> None:
    tracker = OrderTracker()
    await tracker.accept(update("NEW"))
    await tracker.accept(update("FILLED", "1"))
    events = await run(tracker, FakeClient([], [trade("1")]))
    assert [e for e in events if isinstance(e, OrderUpdateEvent)] == []


async def test_a_partial_fill_during_the_gap_is_reported() -> None:
    tracker = OrderTracker()
    await tracker.accept(update("NEW"))
    [event, *_] = await run(tracker, FakeClient([order("0.4")], []))
    assert (event.raw_status, event.order.filled) == ("PARTIALLY_FILLED", Decimal("0.4"))


async def test_balances_are_reported_when_they_changed() -> None:
    tracker, balances = OrderTracker(), LastBalances()
    await resync(FakeClient([], [], usdt="5"), tracker, balances, silent=True)  # type: ignore[arg-type]
    assert await run(tracker, FakeClient([], [], usdt="5"), balances) == []
    [available] = await run(tracker, FakeClient([], [], usdt="7"), balances)
    assert available.available == Decimal(7)
