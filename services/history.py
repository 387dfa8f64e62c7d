"""Open orders, own trades, deposits and withdrawals across accounts, newest first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter

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

_ROWS: dict[HistoryKind, TypeAdapter[Any]] = {
    HistoryKind.ORDERS: TypeAdapter(list[Order]),
    HistoryKind.TRADES: TypeAdapter(list[Trade]),
    HistoryKind.DEPOSITS: TypeAdapter(list[Deposit]),
    HistoryKind.WITHDRAWALS: TypeAdapter(list[Withdrawal]),
}


def _fetcher(kind: HistoryKind, since: datetime) -> Callable[[Account], Awaitable[Sequence[Any]]]:
    async def fetch(account: Account) -> Sequence[Any]:
        client = account.client
        client.require(_CAPABILITY[kind])
        if kind is HistoryKind.ORDERS:
            return await client.fetch_open_orders()
        if kind is HistoryKind.TRADES:
            return await client.fetch_my_trades()
        if kind is HistoryKind.DEPOSITS:
            return await client.fetch_deposits(since=since)
        return await client.fetch_withdrawals(since=since)

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

        async def sorted_rows(acc: Account) -> Fetched[list[Row]]:
            async def rows() -> list[Row]:
                return newest_first(list(await fetch(acc)))

            # members asking at about the same time share one request per account
            name = f"{kind}:{acc.name}"
            return await self.reads.read(name, _ROWS[kind], rows, exchange=acc.exchange, fresh=fresh)

        return await across_fetched(selected, sorted_rows, budget=self.budget)
