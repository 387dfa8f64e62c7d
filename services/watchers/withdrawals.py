"""Withdrawals the bot made, followed until final: the txid once it appears, the final state once.

Each account's withdrawal actions in ``submitted`` are looked up at the exchange: IncoreX by
``withdraw_get_txid`` until a txid appears, then in its wallet history (matched by txid) for the final
status (or, without a txid, a failed entry of the same asset, amount and address); the others in their
withdrawal history, matched by the id the exchange gave. Each is told before it is recorded (the txid in
Redis, the final state by moving the action out of ``submitted``), and a news told twice is queued once,
so a crash in between neither loses nor doubles a push. A withdrawal that ends failed (rejected,
cancelled at the exchange) releases its share of the day's limit.
"""

from __future__ import annotations

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
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.incorex.convert import is_history_id
from services.exchanges.models import Transfer, TransferStatus
from services.redis_client import Keys
from services.watchers.seen import SeenTransfers
from services.watchers.transfers import OVERLAP_S
from services.withdrawals.desk import WITHDRAWAL
from services.withdrawals.lookup import same_withdrawal

log = logging.getLogger(__name__)

_ENDED_UNSENT = (TransferStatus.FAILED, TransferStatus.CANCELED)
_FINAL = {
    TransferStatus.OK: ActionState.COMPLETED,
    TransferStatus.FAILED: ActionState.FAILED,
    TransferStatus.CANCELED: ActionState.FAILED,
}


@dataclass(frozen=True, slots=True)
class Found:
    txid: str | None
    status: TransferStatus


@dataclass(frozen=True, slots=True)
class WithdrawalNews:
    action: Action
    txid: str | None
    status: TransferStatus  # pending: only the txid is news

    @property
    def event(self) -> str:
        """Names this news, so telling it twice pushes it once."""
        return f"bot-withdrawal:{self.action.id}:{self.status.value}:{self.txid or ''}"


Tell = Callable[[WithdrawalNews], Awaitable[None]]
Release = Callable[[Action], Awaitable[None]]


class WithdrawalTracker:
    def __init__(
        self,
        account: Account,
        store: ActionStore,
        redis: Redis,
        keys: Keys,
        tell: Tell,
        *,
        catch_up_s: float,
        release: Release | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.account = account
        self._release = release
        self._store = store
        self._txids = SeenTransfers(redis, keys, "withdrawal-txids", account.name)
        self._tell = tell
        self._catch_up_s = catch_up_s
        self._clock = clock

    async def poll(self) -> None:
        """Asks the exchange only while this account has withdrawals in flight."""
        for action in await self._store.in_state(ActionState.SUBMITTED):
            if action.kind != WITHDRAWAL or action.account != self.account.name or not action.exchange_id:
                continue
            try:
                found = await self._look_up(action)
            except errors.ExchangeError as exc:
                log.warning("withdrawal tracker %s: %s", self.account.name, exc)
                return
            if found is not None:
                await self._settle(action, found)

    async def _settle(self, action: Action, found: Found) -> None:
        if found.txid and action.result.get("txid") != found.txid:
            await self._store.add_result(action.id, {"txid": found.txid})  # /withdrawals shows it
        new_txid = bool(found.txid) and await self._txids.told(action.id) is None
        final = _FINAL.get(found.status)
        # told before it is recorded: a crash in between tells it again, and the outbox queues it once
        if new_txid or final is not None:
            status = found.status if final is not None else TransferStatus.PENDING
            await self._tell(WithdrawalNews(action, found.txid, status))
        if found.txid:
            await self._txids.record(action.id, found.txid)
        if final is not None:
            moved = await self._store.move(
                action.id,
                final,
                {"error": found.status.value} if final is ActionState.FAILED else None,
                only_from=[ActionState.SUBMITTED],
            )
            if moved and final is ActionState.FAILED and self._release is not None:
                await self._release(action)  # it never left: the day's limit has room for it again

    async def _look_up(self, action: Action) -> Found | None:
        since = datetime.fromtimestamp(
            max(action.created_at - OVERLAP_S, self._clock() - self._catch_up_s), UTC
        )
        client = self.account.client
        # a withdrawal found in the wallet history after a lost answer has no task id to ask about
        if isinstance(client, IncorexClient) and not is_history_id(action.exchange_id):
            txid = (await client.withdraw_get_txid(action.exchange_id)).txid
            history = await client.fetch_withdrawals(since=since)
            if txid is None:
                # one refused before it got a txid shows only in the history, without the task id
                ended = [w for w in history if w.status in _ENDED_UNSENT and same_withdrawal(action, w)]
                return Found(None, ended[0].status) if len(ended) == 1 else None
            listed = [w for w in history if w.txid == txid]
            return Found(txid, listed[0].status if listed else TransferStatus.PENDING)
        for withdrawal in await client.fetch_withdrawals(since=since):
            if withdrawal.id == action.exchange_id:
                return Found(withdrawal.txid, withdrawal.status)
        return None


# states of a withdrawal action that may have reached the exchange
_SENT = (ActionState.SUBMITTING, ActionState.SUBMITTED, ActionState.UNKNOWN)
_ENDED = (ActionState.COMPLETED, ActionState.FAILED)


class BotWithdrawals:
    """Tells the withdrawals the bot made from the others in an exchange's history: by the id the exchange
    gave, or (for a history without it, IncoreX's) by asset, amount and address."""

    def __init__(
        self, store: ActionStore, *, catch_up_s: float, clock: Callable[[], float] = time.time
    ) -> None:
        self._store = store
        self._catch_up_s = catch_up_s
        self._clock = clock

    async def made(self, account: Account, transfer: Transfer) -> bool:
        since = self._clock() - self._catch_up_s - OVERLAP_S
        actions = [a for state in _SENT for a in await self._store.in_state(state)]
        actions += [a for state in _ENDED for a in await self._store.in_state_since(state, since)]
        return any(a.kind == WITHDRAWAL and a.account == account.name and _same(a, transfer) for a in actions)


def _same(action: Action, transfer: Transfer) -> bool:
    if action.exchange_id and action.exchange_id == transfer.id:
        return True
    p = action.params
    return (
        p.get("asset", "").upper() == transfer.asset
        # some exchanges list the amount net of the fee
        and Decimal(p.get("amount", "0")) in (transfer.amount, transfer.amount + (transfer.fee or 0))
        and p.get("address") == transfer.address
    )
