"""Finding an order, or a cancel, whose outcome is unknown at the exchange, without ever sending it again.

Where the exchange keeps our idempotency key (Indodax ``client_order_id``) one read answers: the order,
or a definite "no such order". Elsewhere the account's open and closed orders and its recent fills are
matched on pair, side, amount, price and time: exactly one match not already claimed by another action
is the order; anything else is left for an admin, with the candidates.

A cancel is settled by the order it cancelled: still open -> the cancel did not happen; cancelled -> it
did; filled -> it came too late. An order the exchange no longer shows in any state is left for an admin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from services.accounts import AccountRegistry
from services.actions.lookup import DONE, Lookup, Verdict, claimed, too_early
from services.actions.records import Action, wire_text
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges import errors
from services.exchanges.base import ExchangeClient
from services.exchanges.capabilities import Capability
from services.exchanges.models import Order, OrderSide, OrderStatus, OrderType, Trade

# exchange clocks differ from ours: an order may carry a time a little before our preview
CLOCK_SKEW_S = 120.0

__all__ = ["CancelLookup", "Lookup", "OrderLookup", "Verdict", "candidate", "placed"]


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


def order_facts(order: Order) -> dict[str, str]:
    return {"status": order.status.value, "filled": str(order.filled)}


def placed(order: Order) -> Lookup:
    return Lookup(Verdict.PLACED, order, exchange_id=order.id, result=order_facts(order))


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
            if too_early(action, self._not_found_after_s):
                return Lookup(Verdict.WAIT)
            return Lookup(Verdict.NOT_PLACED, reason="the exchange has no such order")
        return placed(order)

    async def _by_match(self, client: ExchangeClient, action: Action) -> Lookup:
        pair = action.params["pair"]
        since = action.created_at - CLOCK_SKEW_S
        orders: list[Order] = []
        if client.has(Capability.FETCH_OPEN_ORDERS):
            orders += await client.fetch_open_orders(pair)
        if client.has(Capability.FETCH_CLOSED_ORDERS):
            orders += await client.fetch_closed_orders(pair)
        trades = await client.fetch_my_trades(pair) if client.has(Capability.FETCH_MY_TRADES) else []
        taken = await claimed(
            self._store, action, since, (ActionState.SUBMITTED, ActionState.COMPLETED), any_kind=True
        )
        matches = _unique(o for o in orders if _matches(o, action, since) and o.id not in taken)
        listed = {o.id for o in orders} | taken
        # fills of an order neither list shows (an exchange that lists closed orders briefly, or not)
        from_fills = _orders_from_fills(trades, action, since, listed)
        if len(matches) == 1 and not from_fills:
            return placed(matches[0])
        return Lookup(Verdict.UNSURE, candidates=tuple(candidate(o) for o in (*matches, *from_fills)))


class CancelLookup:
    """Settles a cancel by the state of the order it cancelled."""

    def __init__(self, accounts: AccountRegistry, *, not_found_after_s: float) -> None:
        self._accounts = accounts
        self._not_found_after_s = not_found_after_s

    async def find(self, action: Action) -> Lookup:
        client = self._accounts.get(action.account).client
        order_id, pair = action.params["order_id"], action.params["pair"]
        order = await self._current(client, order_id, pair)
        if order is None:
            if not client.keeps_unfilled_cancels:
                # filled orders are kept there, so one gone without a trace was cancelled
                result = {"status": OrderStatus.CANCELED.value, "filled": "0"}
                return Lookup(Verdict.PLACED, exchange_id=order_id, result=result, done=True)
            # listed nowhere: the exchange does not say what became of it; an admin decides
            return Lookup(Verdict.UNSURE, candidates=({"id": order_id, "status": "", DONE: "1"},))
        if order.status is OrderStatus.OPEN:
            if too_early(action, self._not_found_after_s):
                return Lookup(Verdict.WAIT)
            return Lookup(Verdict.NOT_PLACED, reason="the order is still open")
        if order.status is OrderStatus.CLOSED:
            return Lookup(Verdict.NOT_PLACED, reason="the order was filled before the cancel")
        if order.status is OrderStatus.CANCELED:
            return Lookup(Verdict.PLACED, order, exchange_id=order_id, result=order_facts(order), done=True)
        return Lookup(Verdict.UNSURE, candidates=({**candidate(order), DONE: "1"},))

    async def _current(self, client: ExchangeClient, order_id: str, pair: str) -> Order | None:
        if client.has(Capability.FETCH_OPEN_ORDERS):
            listed = next((o for o in await client.fetch_open_orders(pair) if o.id == order_id), None)
            if listed is not None:
                return listed
        if client.has(Capability.FETCH_ORDER):
            try:
                return await client.fetch_order(order_id, pair)
            except errors.OrderNotFound:
                pass  # some exchanges look up only orders still open: the closed ones may say
        if client.has(Capability.FETCH_CLOSED_ORDERS):
            return next((o for o in await client.fetch_closed_orders(pair) if o.id == order_id), None)
        return None


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
