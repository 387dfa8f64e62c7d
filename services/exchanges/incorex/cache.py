"""Wallet history of days that have ended: it never changes, so each day is fetched once.

``wallet_history`` serves one day per request under a limit of 10 a minute; with finished days kept in
Redis, a look back over several days costs one request, for the current day.
"""

from __future__ import annotations

import time
from datetime import datetime

from redis.asyncio import Redis

from services.exchanges.models import TransferStatus

from .constants import MAX_HISTORY_DAYS
from .models import WalletDay

# a day counts as finished this long after its end, so a late entry at the boundary is not missed
SETTLE_S = 300
# no look back reaches further than MAX_HISTORY_DAYS, so older days are of no use
KEEP_S = (MAX_HISTORY_DAYS + 1) * 86_400


class FinishedDays:
    """Per account (its key) and day; without Redis nothing is kept and every day is fetched."""

    def __init__(self, redis: Redis | None, key_prefix: str) -> None:
        self._redis = redis
        self._prefix = key_prefix

    def _key(self, day: datetime) -> str:
        return f"{self._prefix}:{int(day.timestamp())}"

    async def get(self, day: datetime) -> WalletDay | None:
        if self._redis is None:
            return None
        raw = await self._redis.get(self._key(day))
        return None if raw is None else WalletDay.model_validate_json(raw)

    async def keep(self, day: datetime, history: WalletDay) -> None:
        """Stores the day if the server says it has ended and nothing in it is still pending (a deposit
        waiting for confirmations changes its status later); other days are asked again."""
        if self._redis is None or history.end + SETTLE_S > time.time():
            return
        if any(t.status is TransferStatus.PENDING for t in [*history.deposits, *history.withdrawals]):
            return
        await self._redis.set(self._key(day), history.model_dump_json(), ex=KEEP_S)
