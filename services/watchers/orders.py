"""What the fill watcher knows of one account's orders, kept in Redis so a restart or a new leader repeats
nothing: each order's last reported state (what Narkasa's user stream remembers too, so the stream and the
REST polls of every copy share it) and the fill already told of each order.

Every change is a compare-and-set on the value read before it, so two copies that both believe they lead
record (and tell) one change once; amounts are compared as Decimal, in Python, not as Lua's doubles.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from decimal import Decimal

from redis.asyncio import Redis

from services.exchanges.models import Order, OrderStatus
from services.redis_client import Keys
from services.watchers.seen import KEEP_S

ENDED = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELED, OrderStatus.REJECTED, OrderStatus.EXPIRED})
# an ended order is remembered this long, so that a late report of it is not taken for news
KEEP_ENDED_S = 86_400.0

_SWAP = """
local now = redis.call('HGET', KEYS[1], ARGV[1])
if (now or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


def _newer(known: Order, order: Order) -> bool:
    """Not news: a report after the order ended, one less filled, or the same status and fill again."""
    return not (
        known.status in ENDED
        or order.filled < known.filled
        or (order.status is known.status and order.filled == known.filled)
    )


class KnownOrders:
    def __init__(
        self, redis: Redis, keys: Keys, account: str, clock: Callable[[], float] = time.time
    ) -> None:
        self._redis = redis
        self._orders = keys("watch", "orders", account, "known")
        self._told = keys("watch", "orders", account, "told")
        self._cursor = keys("watch", "orders", account, "cursor")
        self._swap = redis.register_script(_SWAP)
        self._clock = clock

    async def _replace(self, key: str, field: str, before: str | None, value: str) -> bool:
        return bool(await self._swap(keys=[key], args=[field, before or "", value, int(KEEP_S)]))

    async def open_orders(self, seen_before: float) -> list[Order]:
        entries: dict[str, str] = await self._redis.hgetall(self._orders)  # type: ignore[misc]
        found, stale = [], []
        for order_id, raw in entries.items():
            entry = json.loads(raw)
            order = Order.model_validate(entry["order"])
            if order.status in ENDED:
                if entry["at"] < self._clock() - KEEP_ENDED_S:
                    stale.append(order_id)
            elif entry["at"] < seen_before:
                found.append(order)
        if stale:
            await self._redis.hdel(self._orders, *stale)  # type: ignore[misc]
            await self._redis.hdel(self._told, *stale)  # type: ignore[misc]
        return found

    async def known(self) -> bool:
        return bool(await self._redis.exists(self._cursor))

    async def record(self, order: Order) -> bool:
        """True when the report is a state change not recorded before (and records it)."""
        while True:
            before: str | None = await self._redis.hget(self._orders, order.id)  # type: ignore[misc]
            if before is not None and not _newer(Order.model_validate(json.loads(before)["order"]), order):
                return False
            entry = json.dumps({"order": order.model_dump(mode="json"), "at": self._clock()})
            if await self._replace(self._orders, order.id, before, entry):
                return True

    async def fill_is_news(self, order: Order, floor: Decimal) -> bool:
        """Whether the order is filled past what was told before, or past ``floor`` (what its member saw
        when placing it) for an order not told of yet. Told first, recorded after (``told_fill``)."""
        before: str | None = await self._redis.hget(self._told, order.id)  # type: ignore[misc]
        return order.filled > (floor if before is None else Decimal(before))

    async def told_fill(self, order: Order) -> None:
        """Records the fill told; never lowers it (another copy may have told a later one)."""
        while True:
            before: str | None = await self._redis.hget(self._told, order.id)  # type: ignore[misc]
            if before is not None and order.filled <= Decimal(before):
                return
            if await self._replace(self._told, order.id, before, format(order.filled, "f")):
                return

    async def cursor(self) -> float | None:
        """When the last complete look began; None before the first one."""
        raw = await self._redis.get(self._cursor)
        return None if raw is None else float(raw)

    async def looked(self, at: float) -> None:
        """A complete look at the account's orders: what is known from now on is not all new."""
        await self._redis.set(self._cursor, repr(at), ex=KEEP_S)
