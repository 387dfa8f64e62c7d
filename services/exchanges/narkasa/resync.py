"""What the user stream has reported, and the REST resync that fills the gap after a reconnect.

Every order update (from the socket or from the resync) passes the tracker, which lets each state change
through once: a final state is never followed by another, and a report that is not newer than the last
one (same status and fill, or less filled) is dropped. An order that was open before the gap and is not
open after it was filled or cancelled meanwhile; Narkasa has no order lookup, so the user's trades since
the order was placed (same pair and side, at its price or better) tell which.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..models import Order, OrderSide, OrderStatus, Trade
from .constants import FINAL_STATUSES
from .events import BalanceUpdateEvent, OrderUpdateEvent, ReservedUpdateEvent, StreamEvent

if TYPE_CHECKING:
    from .client import NarkasaClient

KEEP_ORDERS = 2_000


@dataclass(frozen=True)
class Known:
    order: Order
    raw_status: str
    seen_at: float


class OrderTracker:
    def __init__(self) -> None:
        self._orders: OrderedDict[str, Known] = OrderedDict()
        self.balances: dict[str, tuple[Decimal | None, Decimal | None]] = {}

    def accept(self, event: OrderUpdateEvent) -> bool:
        """True when the event is a state change not reported before (and records it)."""
        order = event.order
        if not order.id:
            return True
        known = self._orders.get(order.id)
        if known is not None and (
            known.raw_status in FINAL_STATUSES
            or order.filled < known.order.filled
            or (event.raw_status == known.raw_status and order.filled == known.order.filled)
        ):
            return False
        self._orders[order.id] = Known(order, event.raw_status, time.monotonic())
        self._orders.move_to_end(order.id)
        while len(self._orders) > KEEP_ORDERS:
            self._orders.popitem(last=False)
        return True

    def open_orders(self, seen_before: float) -> list[Order]:
        return [
            k.order
            for k in self._orders.values()
            if k.raw_status not in FINAL_STATUSES and k.seen_at < seen_before
        ]

    def balance_changes(self, asset: str, available: Decimal, reserved: Decimal) -> list[StreamEvent]:
        before = self.balances.get(asset, (None, None))
        self.balances[asset] = (available, reserved)
        changes: list[StreamEvent] = []
        if before[0] != available:
            changes.append(BalanceUpdateEvent(asset=asset, available=available, source="resync"))
        if before[1] != reserved:
            changes.append(ReservedUpdateEvent(asset=asset, reserved=reserved, source="resync"))
        return changes

    def note_balance(self, event: StreamEvent) -> None:
        if isinstance(event, BalanceUpdateEvent):
            self.balances[event.asset] = (event.available, self.balances.get(event.asset, (None, None))[1])
        elif isinstance(event, ReservedUpdateEvent):
            self.balances[event.asset] = (self.balances.get(event.asset, (None, None))[0], event.reserved)


async def resync(client: NarkasaClient, tracker: OrderTracker, *, silent: bool) -> list[StreamEvent]:
    """Order and balance changes the socket did not deliver; ``silent`` only records them (first start)."""
    started = time.monotonic()
    open_now = {o.id: o for o in await client.fetch_open_orders()}
    balances = await client.fetch_balance()
    found: list[StreamEvent] = []
    for order in open_now.values():
        found.append(OrderUpdateEvent(order=order, raw_status=_open_status(order), source="resync"))
    vanished = [o for o in tracker.open_orders(started) if o.id not in open_now]
    if vanished:
        trades = await client.fetch_my_trades()
        found += [_closed(order, trades) for order in vanished]
    changes = [e for e in found if not isinstance(e, OrderUpdateEvent) or tracker.accept(e)]
    for balance in balances.assets.values():
        changes += tracker.balance_changes(balance.asset, balance.free, balance.reserved)
    return [] if silent else changes


def _open_status(order: Order) -> str:
    return "PARTIALLY_FILLED" if order.filled > 0 else "NEW"


def _closed(order: Order, trades: list[Trade]) -> OrderUpdateEvent:
    filled = sum((t.amount for t in trades if _may_belong(t, order)), Decimal(0))
    if order.amount is not None and filled >= order.amount:
        update = {"status": OrderStatus.CLOSED, "filled": order.amount}
        raw = "FILLED"
    else:
        update = {"status": OrderStatus.CANCELED, "filled": max(order.filled, filled)}
        raw = "CANCELLED"
    return OrderUpdateEvent(order=order.model_copy(update=update), raw_status=raw, source="resync")


def _may_belong(trade: Trade, order: Order) -> bool:
    if trade.symbol != order.symbol or trade.side != order.side or order.price is None:
        return False
    if order.timestamp is not None and trade.timestamp is not None and trade.timestamp < order.timestamp:
        return False
    return trade.price <= order.price if order.side is OrderSide.BUY else trade.price >= order.price
