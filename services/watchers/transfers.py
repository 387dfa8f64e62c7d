"""Transfers on one account, deposits arriving or withdrawals made outside the bot: each told once when
seen, and once more each time its status changes (a pending one when it is credited or sent).

The first poll of an account only records what is there: a transfer made before the bot watched is not
news. Later polls reach back to the last complete poll (less an overlap, for entries the exchange lists a
little late) and to the oldest transfer still pending, so nothing that happened while no copy ran is missed.
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
from services.exchanges.models import Transfer, TransferStatus
from services.redis_client import Keys
from services.watchers.seen import SeenTransfers

log = logging.getLogger(__name__)

# a poll reaches this far behind the last one: an exchange may list a transfer a little after its time
OVERLAP_S = 600.0


@dataclass(frozen=True, slots=True)
class TransferNews:
    account: str
    transfer: Transfer
    first_seen: bool  # False: a transfer told before whose status changed
    outgoing: bool = False  # a withdrawal (made outside the bot), not a deposit

    @property
    def event(self) -> str:
        """Names this news, so telling it twice pushes it once."""
        kind = "withdrawal" if self.outgoing else "deposit"
        return f"{kind}:{self.account}:{self.transfer.id}:{self.transfer.status.value}"


Tell = Callable[[TransferNews], Awaitable[None]]
# whether a withdrawal is one the bot made (it is followed and told by the withdrawal tracker)
Ours = Callable[[Account, Transfer], Awaitable[bool]]


def watches_deposits(account: Account) -> bool:
    return account.client.has(Capability.FETCH_DEPOSITS)


def watches_withdrawals(account: Account) -> bool:
    return account.client.has(Capability.FETCH_WITHDRAWALS)


class TransferWatcher:
    def __init__(
        self,
        account: Account,
        redis: Redis,
        keys: Keys,
        tell: Tell,
        *,
        catch_up_s: float,
        clock: Callable[[], float] = time.time,
        ours: Ours | None = None,
    ) -> None:
        """Deposits; withdrawals when given ``ours`` (which of them the bot made, not told here)."""
        self.account = account
        self._ours = ours
        self._seen = SeenTransfers(redis, keys, "withdrawals" if ours else "deposits", account.name)
        self._tell = tell
        self._catch_up_s = catch_up_s
        self._clock = clock

    async def poll(self) -> None:
        """One look at the account's transfers; an exchange error leaves the cursor for the next poll."""
        began = self._clock()
        cursor = await self._seen.cursor()
        reach = (began if cursor is None else cursor) - OVERLAP_S
        pending = await self._seen.pending_since()
        if pending is not None:
            reach = min(reach, pending)
        since = datetime.fromtimestamp(max(reach, began - self._catch_up_s), UTC)
        client = self.account.client
        try:
            found: list[Transfer] = list(
                await (
                    client.fetch_withdrawals(since=since)
                    if self._ours
                    else client.fetch_deposits(since=since)
                )
            )
        except errors.ExchangeError as exc:
            log.warning("transfer watcher %s: %s", self.account.name, exc)
            return
        for transfer in found:
            if self._ours is not None and await self._ours(self.account, transfer):
                continue
            told = await self._seen.told(transfer.id)
            if told == transfer.status.value:
                continue
            if cursor is not None:
                news = TransferNews(
                    self.account.name, transfer, first_seen=told is None, outgoing=bool(self._ours)
                )
                await self._tell(news)
            # recorded after it is told: a crash in between tells it again, and the outbox queues it once
            await self._seen.record(transfer.id, transfer.status.value)
            at = transfer.timestamp.timestamp() if transfer.timestamp is not None else began
            await self._seen.set_pending(transfer.id, at, transfer.status is TransferStatus.PENDING)
        await self._seen.advance(began)
