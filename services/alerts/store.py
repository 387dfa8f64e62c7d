"""Alerts in Redis: create, list, pause, resume, delete, and evaluate a feed round (scripts.py)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from redis.asyncio import Redis

from services.alerts import scripts
from services.alerts.conditions import MOVE_PERIOD_S, Condition, Kind
from services.alerts.prices import Quote
from services.redis_client import Keys

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    member: int
    account: str
    symbol: str
    condition: Condition
    state: str  # armed | rearm (fired, waiting to re-arm) | paused
    created: float
    expires: float | None

    @property
    def paused(self) -> bool:
        return self.state == "paused"


@dataclass(frozen=True, slots=True)
class Fired:
    """An alert the tick claimed: this copy, and no other, tells its member."""

    alert: Alert
    price: Decimal  # the price that fired it


@dataclass(frozen=True, slots=True)
class Move:
    """How far the price has moved within one period, in percent (both never negative)."""

    period_s: int
    rise: Decimal
    fall: Decimal


def _move(period: int, price: Decimal, low: Decimal, high: Decimal) -> Move:
    rise = (price / low - 1) * HUNDRED if low > 0 else Decimal(0)
    fall = (1 - price / high) * HUNDRED if high > 0 else Decimal(0)
    return Move(period, max(rise, Decimal(0)), max(fall, Decimal(0)))


class LimitReached(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _side(kind: Kind, target: Decimal, price: Decimal | None) -> str:
    """Which way a threshold fires: up (at or above) or down (at or below); a crossing from the price now."""
    if kind is Kind.ABOVE:
        return "up"
    if kind is Kind.BELOW:
        return "down"
    return "down" if price is not None and price > target else "up"


def _alert(data: dict[str, Any]) -> Alert:
    kind = Kind(data["kind"])
    condition = Condition(
        kind,
        price=Decimal(data["price"]) if data.get("price") else None,
        percent=Decimal(data["percent"]) if data.get("percent") else None,
        period_s=int(data["period"]) if data.get("period") else None,
        repeat=data.get("again") == "1",
        cooldown_s=int(data.get("cooldown") or 0),
        note=data.get("note", ""),
    )
    return Alert(
        id=int(data["id"]),
        member=int(data["member"]),
        account=data["account"],
        symbol=data["symbol"],
        condition=condition,
        state=data.get("state", "armed"),
        created=float(data.get("created") or 0),
        expires=float(data["expires"]) if data.get("expires") else None,
    )


class AlertStore:
    def __init__(self, redis: Redis, keys: Keys, *, hysteresis: Decimal, max_per_member: int) -> None:
        self._redis = redis
        self._keys = keys
        self._root = keys("alerts") + Keys.SEPARATOR
        self.hysteresis = hysteresis
        self.max_per_member = max_per_member
        self._create = redis.register_script(scripts.CREATE)
        self._read = redis.register_script(scripts.READ)
        self._delete = redis.register_script(scripts.DELETE)
        self._pause = redis.register_script(scripts.PAUSE)
        self._resume = redis.register_script(scripts.RESUME)
        self._round = redis.register_script(scripts.ROUND)
        self._moves = redis.register_script(scripts.MOVES)
        self._expire = redis.register_script(scripts.EXPIRE_DUE)

    def _key(self, *parts: str | int) -> str:
        return self._root + Keys.SEPARATOR.join(map(str, parts))

    async def create(
        self, member: int, account: str, symbol: str, condition: Condition, price: Decimal | None, now: float
    ) -> Alert:
        """Stores and arms the alert; ``price`` (the market's price now) decides a crossing's way."""
        if condition.price is not None:
            target, period = str(condition.price), ""
            side = _side(condition.kind, condition.price, price)
        else:
            target, period, side = str(condition.percent), str(condition.period_s), "move"
        # whole seconds keep the stored alert short (scripts.py); an expiry rounds up, never early
        expires = "" if condition.expires_s is None else str(math.ceil(now + condition.expires_s))
        created = int(now)
        args = [
            self._root,
            str(member),
            str(self.max_per_member),
            str(created),
            expires,
            account,
            symbol,
            condition.kind.value,
            "1" if condition.repeat else "0",
            str(condition.cooldown_s),
            target,
            period,
            side,
            condition.note,
        ]
        alert_id = int(await self._create(args=args))
        if alert_id == 0:
            raise LimitReached(self.max_per_member)
        # as get() would read it back (the expiry is kept as a time, not in the condition)
        stored = replace(condition, expires_s=None)
        return Alert(
            alert_id, member, account, symbol, stored, "armed", created, float(expires) if expires else None
        )

    async def get(self, alert_id: int) -> Alert | None:
        found = await self._read(args=[self._root, str(alert_id)])
        return _alert(json.loads(found[0])) if found else None

    async def of_member(self, member: int) -> list[Alert]:
        """Oldest first (ids grow with time)."""
        ids = sorted(int(i) for i in await self._redis.smembers(self._key("of", member)))  # type: ignore[misc]
        if not ids:
            return []
        return [_alert(json.loads(item)) for item in await self._read(args=[self._root, *map(str, ids)])]

    async def delete(self, member: int, alert_id: int) -> bool:
        return bool(await self._delete(args=[self._root, str(alert_id), str(member)]))

    async def pause(self, member: int, alert_id: int) -> bool:
        return bool(await self._pause(args=[self._root, str(alert_id), str(member)]))

    async def resume(self, member: int, alert_id: int, price: Decimal | None) -> bool:
        alert = await self.get(alert_id)
        if alert is None:
            return False
        target = alert.condition.price
        side = _side(alert.condition.kind, target, price) if target is not None else "move"
        return bool(await self._resume(args=[self._root, str(alert_id), str(member), side]))

    # -- what the feed asks ---------------------------------------------------------------------------

    async def accounts(self) -> set[str]:
        """Accounts with at least one active alert: the feed polls only their exchanges."""
        return set(await self._redis.hkeys(self._key("accounts")))  # type: ignore[misc]

    async def markets(self, account: str) -> set[str]:
        return set(await self._redis.hkeys(self._key("mk", account)))  # type: ignore[misc]

    async def members_on(self, account: str) -> set[int]:
        return {int(m) for m in await self._redis.hkeys(self._key("who", account))}  # type: ignore[misc]

    async def tick(self, account: str, quotes: Mapping[str, Quote], now: float) -> list[Fired]:
        """One feed round of the account's markets: one script (scripts.ROUND) re-arms and fires what
        the prices reach and hands back the moves that may fire; those, measured in Decimal (the rise
        from the lowest price within the period, the fall from the highest), go to a second one only
        when there are any (scripts.MOVES)."""
        args = [self._root, self._keys("window", account, ""), account, repr(now), str(self.hysteresis)]
        args.append(str(MOVE_PERIOD_S[1]))
        for symbol, quote in quotes.items():
            args += [symbol, str(quote.price), repr(quote.at)]
        raw, candidates = await self._round(args=args)
        if candidates:
            args = [self._root, account, repr(now), str(self.hysteresis)]
            for symbol, *extremes in candidates:
                price = quotes[symbol].price
                args += [symbol, str(price), str(len(extremes) // 3)]
                for i in range(0, len(extremes), 3):
                    move = _move(int(extremes[i]), price, Decimal(extremes[i + 1]), Decimal(extremes[i + 2]))
                    args += [str(move.period_s), str(move.rise), str(move.fall)]
            raw += await self._moves(args=args)
        return [self._fired(json.loads(item)) for item in raw]

    async def expire_due(self, now: float) -> list[Alert]:
        return [_alert(json.loads(item)) for item in await self._expire(args=[self._root, repr(now)])]

    @staticmethod
    def _fired(data: dict[str, Any]) -> Fired:
        return Fired(_alert(data), Decimal(str(data["at"])))
