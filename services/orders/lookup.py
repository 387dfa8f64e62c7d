"""Finding an order whose outcome is unknown at the exchange, without ever sending it again.

Where the exchange keeps our idempotency key (Indodax ``client_order_id``) one read answers: the order,
or a definite "no such order". Elsewhere the account's open and closed orders and its recent fills are
matched on pair, side, amount, price and time: exactly one match not already claimed by another action
is the order; anything else is left for an admin, with the candidates.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable

from services.accounts import AccountRegistry
from services.actions.records import Action, wire_text
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges import errors
from services.exchanges.base import ExchangeClient
from services.exchanges.capabilities import Capability
from services.exchanges.models import Order, OrderSide, OrderStatus, OrderType, Trade

# exchange clocks differ from ours: an order may carry a time a little before our preview
CLOCK_SKEW_S = 120.0


class Verdict(StrEnum):
    PLACED = "placed"
    NOT_PLACED = "not_placed"  # only where the exchange's answer proves it
    UNSURE = "unsure"  # for an admin to settle
    WAIT = "wait"  # too early to tell: ask again next round


@dataclass(frozen=True, slots=True)
class Lookup:
    verdict: Verdict
    order: Order | None = None  # when placed
    candidates: tuple[Mapping[str, str], ...] = ()  # when unsure: what an admin may choose from


@runtime_checkable
class FindsByClientOrderId(Protocol):
    """A client whose exchange answers by our own order id (the idempotency key we sent)."""

    async def fetch_order_by_client_order_id(self, client_order_id: str, pair: str) -> Order: ...


def candidate(order: Order) -> dict[str, str]:
    """What an admin needs to recognise an order (and the id recorded when it is chosen)."""
    found = {"id": order.id, "side": order.side.value, "status": order.status.value}
    for name, value in (("amount", order.amount), ("price", order.price), ("filled", order.filled)):
        if value is not None:
            found[name] = wire_text(value)
    if order.timestamp is not None:
        found["time"] = order.timestamp.isoformat(timespec="seconds")
    return found


class OrderLookup:
    def __init__(self, accounts: AccountRegistry, store: ActionStore, *, not_found_after_s: float) -> None:
        self._accounts = accounts
        self._store = store
        # a "no such order" is believed only once the request cannot still be on its way
        self._not_found_after_s = not_found_after_s

    async def find(self, action: Action) -> Lookup:
        """Raises an exchange error when the exchange cannot be asked now (the next round asks again)."""
        client = self._accounts.get(action.account).client
        if isinstance(client, FindsByClientOrderId) and action.idempotency_key:
            return await self._by_key(client, action)
        return await self._by_match(client, action)

    async def _by_key(self, client: FindsByClientOrderId, action: Action) -> Lookup:
        try:
            order = await client.fetch_order_by_client_order_id(action.idempotency_key, action.params["pair"])
        except errors.OrderNotFound:
            if time.time() - action.updated_at < self._not_found_after_s:
                return Lookup(Verdict.WAIT)
            return Lookup(Verdict.NOT_PLACED)
        return Lookup(Verdict.PLACED, order)

    async def _by_match(self, client: ExchangeClient, action: Action) -> Lookup:
        pair = action.params["pair"]
        since = action.created_at - CLOCK_SKEW_S
        orders: list[Order] = []
        if client.has(Capability.FETCH_OPEN_ORDERS):
            orders += await client.fetch_open_orders(pair)
        if client.has(Capability.FETCH_CLOSED_ORDERS):
            orders += await client.fetch_closed_orders(pair)
        trades = await client.fetch_my_trades(pair) if client.has(Capability.FETCH_MY_TRADES) else []
        claimed = await self._claimed(action, since)
        matches = _unique(o for o in orders if _matches(o, action, since) and o.id not in claimed)
        listed = {o.id for o in orders} | claimed
        # fills of an order neither list shows (an exchange that lists closed orders briefly, or not)
        from_fills = _orders_from_fills(trades, action, since, listed)
        if len(matches) == 1 and not from_fills:
            return Lookup(Verdict.PLACED, matches[0])
        return Lookup(Verdict.UNSURE, candidates=tuple(candidate(o) for o in (*matches, *from_fills)))

    async def _claimed(self, action: Action, since: float) -> set[str]:
        """Orders other actions on this account already recorded as theirs."""
        claimed: set[str] = set()
        for state in (ActionState.SUBMITTED, ActionState.COMPLETED):
            for other in await self._store.in_state_since(state, since):
                if other.account == action.account and other.id != action.id and other.exchange_id:
                    claimed.add(other.exchange_id)
        return claimed


def _after(moment: datetime | None, since: float) -> bool:
    return moment is None or moment.timestamp() >= since


def _matches(order: Order, action: Action, since: float) -> bool:
    params = action.params
    if order.symbol != params["pair"] or order.side.value != params["side"]:
        return False
    if not _after(order.timestamp, since):
        return False
    if order.amount is not None and order.amount != Decimal(params["amount"]):
        return False
    if params["type"] == OrderType.MARKET.value:
        return True
    return order.price is not None and order.price == Decimal(params["price"])


def _unique(orders: Iterable[Order]) -> list[Order]:
    seen: dict[str, Order] = {}
    for order in orders:
        seen.setdefault(order.id, order)
    return list(seen.values())


def _orders_from_fills(trades: Sequence[Trade], action: Action, since: float, known: set[str]) -> list[Order]:
    params = action.params
    side = OrderSide(params["side"])
    limit = Decimal(params["price"]) if "price" in params else None
    grouped: dict[str, list[Trade]] = {}
    for trade in trades:
        if trade.order_id is None or trade.order_id in known:
            continue
        if trade.symbol != params["pair"] or trade.side is not side or not _after(trade.timestamp, since):
            continue
        # a limit order fills at its price or better
        if limit is not None and (trade.price > limit if side is OrderSide.BUY else trade.price < limit):
            continue
        grouped.setdefault(trade.order_id, []).append(trade)
    found = []
    for order_id, fills in grouped.items():
        filled = sum((t.amount for t in fills), Decimal(0))
        if filled > Decimal(params["amount"]):
            continue
        found.append(
            Order(
                id=order_id,
                symbol=params["pair"],
                side=side,
                type=OrderType(params["type"]),
                status=OrderStatus.UNKNOWN,
                filled=filled,
                price=fills[0].price,
                timestamp=min((t.timestamp for t in fills if t.timestamp), default=None),
            )
        )
    return found
