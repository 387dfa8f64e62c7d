"""A leader lease in Redis: among the bot copies sharing one Redis, one at a time runs background work.

The lease is a key holding the holder's id with a TTL. The holder renews it every quarter period; the
others try to claim it just as often. The TTL is three quarters of the period, so when a holder dies its
lease lapses and another copy has claimed it within one period. A holder that cannot renew in time steps
down by itself (its local deadline passes) before anyone else can hold the key, so two copies never both
believe they lead.
"""

from __future__ import annotations

import os
import secrets
import socket
import time

from redis.asyncio import Redis

# Atomic "claim or renew": the key is free or already ours -> (re)set it with a fresh TTL.
_CLAIM = """
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 1
end
return 0
"""

# Delete only our own lease: a late release must never drop a successor's.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


def new_holder_id() -> str:
    """Recognisable in Redis and logs (host and pid), unique across restarts (random suffix)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class LeaderLease:
    def __init__(self, redis: Redis, key: str, *, period_s: float, holder: str | None = None) -> None:
        if period_s <= 0:
            raise ValueError("period_s must be positive")
        self.key = key
        self.period_s = period_s
        self.holder = holder or new_holder_id()
        self._redis = redis
        self._claim = redis.register_script(_CLAIM)
        self._release = redis.register_script(_RELEASE)
        self._valid_until = 0.0

    @property
    def ttl_s(self) -> float:
        return self.period_s * 0.75

    @property
    def check_interval_s(self) -> float:
        """How often the holder renews and the others try to claim."""
        return self.period_s / 4

    @property
    def held(self) -> bool:
        """Whether this copy may act as leader now: only until its last renewal's TTL runs out."""
        return time.monotonic() < self._valid_until

    async def claim(self) -> bool:
        """Claim the lease or renew ours; False while another copy holds it."""
        started = time.monotonic()
        won = bool(await self._claim(keys=[self.key], args=[self.holder, int(self.ttl_s * 1000)]))
        # counted from before the call: the key may have been set at any moment during it
        self._valid_until = started + self.ttl_s if won else 0.0
        return won

    async def release(self) -> None:
        self._valid_until = 0.0
        await self._release(keys=[self.key], args=[self.holder])

    async def current_holder(self) -> str | None:
        holder: str | None = await self._redis.get(self.key)
        return holder
