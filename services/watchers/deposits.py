"""Deposits arriving on one account: each told once when seen, and once more each time its status changes
(a pending one when it is credited).

The first poll of an account only records what is there: a deposit made before the bot watched is not
news. Later polls reach back to the last complete poll (less an overlap, for entries the exchange lists a
little late) and to the oldest deposit still pending, so nothing that happened while no copy ran is missed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis

from services.accounts import Account
from services.exchanges import errors
from services.exchanges.capabilities import Capability
from services.exchanges.models import Deposit, TransferStatus
from services.redis_client import Keys
from services.watchers.seen import SeenTransfers

log = logging.getLogger(__name__)

# a poll reaches this far behind the last one: an exchange may list a deposit a little after its time
OVERLAP_S = 600.0


@dataclass(frozen=True, slots=True)
class DepositNews:
    account: str
    deposit: Deposit
    first_seen: bool  # False: a deposit told before whose status changed


Tell = Callable[[DepositNews], Awaitable[None]]


def watches_deposits(account: Account) -> bool:
    return account.client.has(Capability.FETCH_DEPOSITS)


class DepositWatcher:
    def __init__(
        self,
        account: Account,
        redis: Redis,
        keys: Keys,
        tell: Tell,
        *,
        catch_up_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.account = account
        self._clock = clock
        self._seen = SeenTransfers(redis, keys, "deposits", account.name)
        self._tell = tell
        self._catch_up_s = catch_up_s

    async def poll(self) -> None:
        """One look at the account's deposits; an exchange error leaves the cursor for the next poll."""
        began = self._clock()
        cursor = await self._seen.cursor()
        reach = (began if cursor is None else cursor) - OVERLAP_S
        pending = await self._seen.pending_since()
        if pending is not None:
            reach = min(reach, pending)
        reach = max(reach, began - self._catch_up_s)
        try:
            deposits = await self.account.client.fetch_deposits(since=datetime.fromtimestamp(reach, UTC))
        except errors.ExchangeError as exc:
            log.warning("deposit watcher %s: %s", self.account.name, exc)
            return
        for deposit in deposits:
            told = await self._seen.record(deposit.id, deposit.status.value)
            if told is None:
                continue
            at = deposit.timestamp.timestamp() if deposit.timestamp is not None else began
            await self._seen.set_pending(deposit.id, at, deposit.status is TransferStatus.PENDING)
            if cursor is not None:
                await self._tell(DepositNews(self.account.name, deposit, first_seen=told == ""))
        await self._seen.advance(began)
