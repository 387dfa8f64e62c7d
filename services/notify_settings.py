"""What each member wants pushed, per kind of push: on, silent (no sound) or off."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

from services.redis_client import Keys


class Kind(StrEnum):
    PRICE_ALERTS = "price_alerts"
    FILLS = "fills"
    DEPOSITS = "deposits"
    WITHDRAWALS = "withdrawals"
    APPROVALS = "approvals"
    SYSTEM = "system"


class Mode(StrEnum):
    ON = "on"
    SILENT = "silent"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class TeamGroup:
    """`[notifications] chat_id` and the kinds it receives besides the members."""

    chat_id: int
    kinds: Collection[Kind]


class NotificationSettings:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def modes(self, member_id: int) -> dict[Kind, Mode]:
        """Every kind with the member's choice; a kind never chosen is on."""
        stored: dict[str, str] = await self._redis.hgetall(self._keys("notify", member_id))  # type: ignore[misc]
        return {kind: Mode(stored[kind]) if stored.get(kind) in set(Mode) else Mode.ON for kind in Kind}

    async def mode(self, member_id: int, kind: Kind) -> Mode:
        value: str | None = await self._redis.hget(self._keys("notify", member_id), kind)  # type: ignore[misc]
        return Mode(value) if value in set(Mode) else Mode.ON

    async def set_mode(self, member_id: int, kind: Kind, mode: Mode) -> None:
        await self._redis.hset(self._keys("notify", member_id), kind, mode)  # type: ignore[misc]
