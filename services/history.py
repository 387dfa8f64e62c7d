"""Open orders, own trades, deposits and withdrawals across accounts, newest first."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter

from services.accounts import Account, AccountRegistry, AccountResult, across_fetched
from services.exchanges.budget import TimeBudget
from services.exchanges.capabilities import Capability
from services.exchanges.models import Deposit, Order, Trade, Withdrawal
from services.read_cache import Fetched, SharedReads


class HistoryKind(StrEnum):
    ORDERS = "orders"
    TRADES = "trades"
    DEPOSITS = "deposits"
    WITHDRAWALS = "withdrawals"


_CAPABILITY = {
    HistoryKind.ORDERS: Capability.FETCH_OPEN_ORDERS,
    HistoryKind.TRADES: Capability.FETCH_MY_TRADES,
    HistoryKind.DEPOSITS: Capability.FETCH_DEPOSITS,
    HistoryKind.WITHDRAWALS: Capability.FETCH_WITHDRAWALS,
}

_EPOCH = datetime.min.replace(tzinfo=UTC)

Row = Order | Trade | Deposit | Withdrawal

R = TypeVar("R", Order, Trade, Deposit, Withdrawal)


class Listing(BaseModel, Generic[R]):
    """One account's rows as fetched (and shared through the read cache)."""

    rows: list[R]
    searched: tuple[str, ...] = ()  # see AccountResult.searched


_LISTING: dict[HistoryKind, TypeAdapter[Any]] = {
    HistoryKind.ORDERS: TypeAdapter(Listing[Order]),
    HistoryKind.TRADES: TypeAdapter(Listing[Trade]),
    HistoryKind.DEPOSITS: TypeAdapter(Listing[Deposit]),
    HistoryKind.WITHDRAWALS: TypeAdapter(Listing[Withdrawal]),
}


def _fetcher(kind: HistoryKind, since: datetime) -> Callable[[Account], Awaitable[Listing[Any]]]:
    async def fetch(account: Account) -> Listing[Any]:
        client = account.client
        client.require(_CAPABILITY[kind])
        if kind is HistoryKind.ORDERS:
            return Listing(rows=await client.fetch_open_orders())
        if kind is HistoryKind.TRADES:
            pairs = await client.trade_pairs()
            if pairs is None:
                return Listing(rows=await client.fetch_my_trades())
            # one pair at a time: say which were looked through, so an empty list is not misread
            per_pair = await asyncio.gather(*(client.fetch_my_trades(pair) for pair in pairs))
            return Listing(rows=[trade for trades in per_pair for trade in trades], searched=tuple(pairs))
        if kind is HistoryKind.DEPOSITS:
            return Listing(rows=await client.fetch_deposits(since=since))
        return Listing(rows=await client.fetch_withdrawals(since=since))

    return fetch


def newest_first(rows: Sequence[Row]) -> list[Row]:
    """By time, then by id (numbers as numbers), so rows of the same second keep one order whatever
    order the exchange sent them in."""
    return sorted(rows, key=lambda r: (r.timestamp or _EPOCH, _id_order(r.id)), reverse=True)


def _id_order(row_id: str) -> tuple[int, int, str]:
    return (1, int(row_id), "") if row_id.isdigit() else (0, 0, row_id)


class HistoryService:
    def __init__(
        self, accounts: AccountRegistry, *, reads: SharedReads, budget: TimeBudget, lookback_days: int = 3
    ) -> None:
        self.accounts = accounts
        self.reads = reads
        self.budget = budget
        # some exchanges serve transfer history one day per request under a tight limit (IncoreX: 10/min)
        self.lookback = timedelta(days=lookback_days)

    def supports(self, account: Account, kind: HistoryKind) -> bool:
        return account.client.has(_CAPABILITY[kind])

    async def fetch(
        self, kind: HistoryKind, account: str | None = None, *, fresh: bool = False
    ) -> list[AccountResult[list[Row]]]:
        """Per account, its rows newest first (or why it could not answer); ``fresh``: no stored answer."""
        selected = self.accounts.select(account)
        if account is None:  # all accounts means those that keep such a list; a named one says it does not
            selected = [a for a in selected if self.supports(a, kind)]
        fetch = _fetcher(kind, datetime.now(UTC) - self.lookback)

        async def sorted_rows(acc: Account) -> Fetched[Listing[Any]]:
            async def rows() -> Listing[Any]:
                found = await fetch(acc)
                return Listing(rows=newest_first(found.rows), searched=found.searched)

            # members asking at about the same time share one request per account
            name = f"{kind}:{acc.name}"
            return await self.reads.read(name, _LISTING[kind], rows, exchange=acc.exchange, fresh=fresh)

        listings = await across_fetched(selected, sorted_rows, budget=self.budget)
        return [
            AccountResult(r.account, error=r.error, freshness=r.freshness)
            if r.value is None
            else AccountResult(
                r.account, list(r.value.rows), freshness=r.freshness, searched=r.value.searched
            )
            for r in listings
        ]


def _rows_of(result: AccountResult[Listing[Any]]) -> AccountResult[list[Row]]:
    if result.value is None:
        return AccountResult(result.account, error=result.error, freshness=result.freshness)
    rows: list[Row] = list(result.value.rows)
    return AccountResult(result.account, rows, freshness=result.freshness, searched=result.value.searched)
