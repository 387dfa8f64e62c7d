"""Order fills, each new one (partial or complete) told once: orders placed through the bot to the member
who placed them, and (``every_order``, the default) every other order of the account as well.

A poll reads the account's open orders; an order known open before and no longer listed has ended, and
the exchange says how: its order lookup (Indodax, Iqfinex), the order's trades (IncoreX), or the account's
trades since it was placed (Narkasa, which lists open orders only; its user stream reports the same
changes through ``report`` while it is connected). Orders placed through the bot are followed whether or
not they were ever seen open, and leave ``submitted`` when they end. Another order placed and ended
between two looks is seen on Iqfinex only, whose closed orders of every pair come in one request.

What was reported and what was told live in Redis (``KnownOrders``). The first look at an account only
records: a fill from before the bot watched is not news, but the fill shown to the member when placing an
order is the starting point for that order.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from redis.asyncio import Redis

from services.accounts import Account
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges import errors
from services.exchanges.capabilities import Capability
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.iqfinex.client import IqfinexClient
from services.exchanges.models import Order, OrderSide, OrderStatus, OrderType
from services.exchanges.narkasa.client import NarkasaClient
from services.exchanges.narkasa.stream import closed_by_trades
from services.orders.desk import ORDER
from services.orders.lookup import order_facts
from services.redis_client import Keys
from services.watchers.orders import ENDED, KnownOrders
from services.watchers.transfers import OVERLAP_S

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FillNews:
    account: str
    order: Order
    action: Action | None  # None: an order not placed through the bot

    @property
    def event(self) -> str:
        """Names this news, so telling it twice pushes it once."""
        return f"fill:{self.account}:{self.order.id}:{self.order.filled.normalize():f}"

    @property
    def complete(self) -> bool:
        return self.order.status is OrderStatus.CLOSED


Tell = Callable[[FillNews], Awaitable[None]]


def follows_fills(account: Account) -> bool:
    return account.client.has(Capability.FETCH_OPEN_ORDERS)


class FillWatcher:
    def __init__(
        self,
        account: Account,
        store: ActionStore,
        redis: Redis,
        keys: Keys,
        tell: Tell,
        *,
        every_order: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.account = account
        self.orders = KnownOrders(redis, keys, account.name, clock)
        self._store = store
        self._tell = tell
        self._every_order = every_order
        self._clock = clock

    async def poll(self) -> None:
        """One look at the account's orders; an exchange error leaves everything for the next look."""
        began = self._clock()
        cursor = await self.orders.cursor()
        ours = await self._ours()
        if self._every_order or ours:
            try:
                await self._look(began, ours, cursor)
            except errors.ExchangeError as exc:
                log.warning("fill watcher %s: %s", self.account.name, exc)
                return
        await self.orders.looked(began)

    async def _look(self, began: float, ours: dict[str, Action], cursor: float | None) -> None:
        first = cursor is None
        open_now = await self._open_orders()
        for order in open_now:
            if self._every_order or order.id in ours:
                await self.report(order, silent=first and order.id not in ours, ours=ours)
        listed = {order.id for order in open_now}
        gone = {o.id: o for o in await self.orders.open_orders(seen_before=began) if o.id not in listed}
        for action in ours.values():
            # placed and ended between two looks; one that became submitted after this look began may
            # not have been listed yet
            if (
                action.exchange_id not in listed
                and action.exchange_id not in gone
                and action.updated_at < began
            ):
                gone[action.exchange_id] = _placed(action)
        for order in await self._ended(list(gone.values())):
            await self.report(order, ours=ours)
        client = self.account.client
        if self._every_order and isinstance(client, IqfinexClient):
            # its closed orders of every pair come in one request: an order placed and ended between
            # two looks is there (the first look only records those of the overlap before it)
            since = (began if cursor is None else cursor) - OVERLAP_S
            for order in await client.fetch_closed_orders():
                placed = order.timestamp.timestamp() if order.timestamp else began
                if order.id not in gone and placed >= since:
                    await self.report(order, silent=first and order.id not in ours, ours=ours)

    async def report(
        self, order: Order, *, silent: bool = False, ours: dict[str, Action] | None = None
    ) -> bool:
        """One report of an order, from a poll or from the user stream: a fill past the last one told is
        told once; an order placed through the bot that ended is done being followed. The report is
        recorded last, so a copy that stops half-way leaves it for the next look. True when it was a
        change not recorded before."""
        action = (ours if ours is not None else await self._ours()).get(order.id)
        if action is not None or self._every_order:
            floor = Decimal(action.result.get("filled", "0") or "0") if action else Decimal(0)
            if await self.orders.fill_is_news(order, floor):
                # told before it is recorded: a crash in between tells it again, queued once (its event)
                if not silent:
                    await self._tell(FillNews(self.account.name, order, action))
                await self.orders.told_fill(order)
        if action is not None and order.status in ENDED:
            await self._store.move(
                action.id,
                ActionState.COMPLETED,
                {"result": json.dumps(order_facts(order))},
                only_from=[ActionState.SUBMITTED],
            )
        return await self.orders.record(order)

    async def _ours(self) -> dict[str, Action]:
        """Orders placed through the bot on this account, still followed, by the exchange's order id."""
        return {
            action.exchange_id: action
            for action in await self._store.in_state(ActionState.SUBMITTED)
            if action.kind == ORDER and action.account == self.account.name and action.exchange_id
        }

    async def _open_orders(self) -> list[Order]:
        client = self.account.client
        open_now = await client.fetch_open_orders()
        if not open_now or not isinstance(client, IncorexClient):
            return open_now
        # IncoreX lists open orders without their fill: the account's recent trades (one request for
        # every pair) give it
        filled: dict[str | None, Decimal] = {}
        for trade in await client.fetch_my_trades():
            filled[trade.order_id] = filled.get(trade.order_id, Decimal(0)) + trade.amount
        return [o.model_copy(update={"filled": filled.get(o.id, o.filled)}) for o in open_now]

    async def _ended(self, gone: list[Order]) -> list[Order]:
        """How the orders no longer open ended, as the exchange tells."""
        if not gone:
            return []
        client = self.account.client
        if isinstance(client, NarkasaClient):
            trades = await client.fetch_my_trades()
            return [closed_by_trades(order, trades).order for order in gone]
        if isinstance(client, IncorexClient):
            ended = []
            for order in gone:
                executed = await client.order_trades(order.id)
                ended.append(_by_trades(order, sum((t.amount for t in executed.trades), Decimal(0))))
            return ended
        ended = []
        for order in gone:
            try:
                ended.append(await client.fetch_order(order.id, order.symbol))
            except errors.OrderNotFound:
                # Iqfinex keeps no order cancelled with nothing filled
                ended.append(order.model_copy(update={"status": OrderStatus.CANCELED}))
        return ended


def _by_trades(order: Order, filled: Decimal) -> Order:
    complete = order.amount is not None and filled >= order.amount
    status = OrderStatus.CLOSED if complete else OrderStatus.CANCELED
    return order.model_copy(update={"status": status, "filled": max(filled, order.filled)})


def _placed(action: Action) -> Order:
    """The order as placed through the bot, for one never seen open."""
    p = action.params
    return Order(
        id=action.exchange_id,
        symbol=p["pair"],
        side=OrderSide(p["side"]),
        type=OrderType(p["type"]),
        status=OrderStatus.OPEN,
        amount=Decimal(p["amount"]) if "amount" in p else None,
        price=Decimal(p["price"]) if "price" in p else None,
        filled=Decimal(action.result.get("filled", "0") or "0"),
        timestamp=datetime.fromtimestamp(action.created_at, UTC),
    )
