"""What a watcher has already seen of one account, kept in Redis so a restart or a new leader repeats nothing.

Per account and kind: a hash of transfer id -> last status told, a hash of the ids still pending -> their
time (the next poll must reach back to them), and the time of the last complete poll (the cursor).
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.redis_client import Keys

# Sets the status and answers what it was; nothing when it was already that status (told before).
# One script, so two copies that both believe they lead do not both tell the same change.
_RECORD = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old == ARGV[2] then return false end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return old or ''
"""

# ids are kept this long after they were last written: well past any look back of the watchers
KEEP_S = 40 * 86_400


class SeenTransfers:
    def __init__(self, redis: Redis, keys: Keys, kind: str, account: str) -> None:
        self._redis = redis
        self._statuses = keys("watch", kind, account, "status")
        self._pending = keys("watch", kind, account, "pending")
        self._cursor = keys("watch", kind, account, "cursor")
        self._record = redis.register_script(_RECORD)

    async def cursor(self) -> float | None:
        """When the last complete poll began; None before the first one."""
        raw = await self._redis.get(self._cursor)
        return None if raw is None else float(raw)

    async def advance(self, began: float) -> None:
        await self._redis.set(self._cursor, repr(began), ex=KEEP_S)

    async def told(self, transfer_id: str) -> str | None:
        """The status told of a transfer, None if it was never told."""
        raw = await self._redis.hget(self._statuses, transfer_id)  # type: ignore[misc]
        return None if raw is None else str(raw)

    async def record(self, transfer_id: str, status: str) -> str | None:
        """The status told before ('' if the transfer is new), or None if ``status`` was already told."""
        old = await self._record(keys=[self._statuses], args=[transfer_id, status])
        await self._redis.expire(self._statuses, KEEP_S)
        return None if old is None else str(old)

    async def pending_since(self) -> float | None:
        """The time of the oldest transfer still pending, which the next poll must reach back to."""
        times: list[str] = await self._redis.hvals(self._pending)  # type: ignore[misc]
        return min((float(t) for t in times), default=None)

    async def set_pending(self, transfer_id: str, at: float, pending: bool) -> None:
        if pending:
            await self._redis.hset(self._pending, transfer_id, repr(at))  # type: ignore[misc]
            await self._redis.expire(self._pending, KEEP_S)
        else:
            await self._redis.hdel(self._pending, transfer_id)  # type: ignore[misc]
