"""Orders placed through the bot, followed until they end: each new fill (partial or complete) told once
to the member who placed the order.

What was told is the filled amount, kept per action in Redis; the fill known when the order was placed
(shown to the member then) is the starting point. An order that has ended leaves ``submitted``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal

from redis.asyncio import Redis

from services.accounts import Account
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges import errors
from services.exchanges.capabilities import Capability
from services.exchanges.models import Order, OrderStatus
from services.orders.desk import ORDER
from services.orders.lookup import order_facts
from services.redis_client import Keys
from services.watchers.seen import SeenTransfers

log = logging.getLogger(__name__)

_ENDED = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELED, OrderStatus.REJECTED, OrderStatus.EXPIRED})


@dataclass(frozen=True, slots=True)
class FillNews:
    action: Action
    order: Order

    @property
    def complete(self) -> bool:
        return self.order.status is OrderStatus.CLOSED


Tell = Callable[[FillNews], Awaitable[None]]


def follows_fills(account: Account) -> bool:
    return account.client.has(Capability.FETCH_ORDER)


class FillTracker:
    def __init__(self, account: Account, store: ActionStore, redis: Redis, keys: Keys, tell: Tell) -> None:
        self.account = account
        self._store = store
        self._told = SeenTransfers(redis, keys, "fills", account.name)
        self._tell = tell

    async def poll(self) -> None:
        """Asks the exchange only while this account has orders placed through the bot still open."""
        for action in await self._store.in_state(ActionState.SUBMITTED):
            if action.kind != ORDER or action.account != self.account.name or not action.exchange_id:
                continue
            try:
                order = await self.account.client.fetch_order(action.exchange_id, action.params.get("pair"))
            except errors.ExchangeError as exc:
                log.warning("fill tracker %s: %s", self.account.name, exc)
                return
            await self._settle(action, order)

    async def _settle(self, action: Action, order: Order) -> None:
        before = await self._told.record(action.id, format(order.filled, "f"))
        if before == "":  # first look: the fill shown when the order was placed was told then
            before = action.result.get("filled", "0") or "0"
        if before is not None and order.filled > Decimal(before):
            await self._tell(FillNews(action, order))
        if order.status in _ENDED:
            result = json.dumps(order_facts(order))
            await self._store.move(
                action.id, ActionState.COMPLETED, {"result": result}, only_from=[ActionState.SUBMITTED]
            )
