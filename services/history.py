"""Open orders, own trades, deposits and withdrawals across accounts, newest first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from services.accounts import Account, AccountRegistry, AccountResult, across
from services.exchanges.budget import TimeBudget
from services.exchanges.capabilities import Capability
from services.exchanges.models import Deposit, Order, Trade, Withdrawal


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
    return sorted(rows, key=lambda r: r.timestamp or _EPOCH, reverse=True)


class HistoryService:
    def __init__(self, accounts: AccountRegistry, *, budget: TimeBudget, lookback_days: int = 3) -> None:
        self.accounts = accounts
        self.budget = budget
        # some exchanges serve transfer history one day per request under a tight limit (IncoreX: 10/min)
        self.lookback = timedelta(days=lookback_days)

    def supports(self, account: Account, kind: HistoryKind) -> bool:
        return account.client.has(_CAPABILITY[kind])

    async def fetch(self, kind: HistoryKind, account: str | None = None) -> list[AccountResult[list[Row]]]:
        """Per account, its rows newest first (or why it could not answer)."""
        selected = self.accounts.select(account)
        if account is None:  # all accounts means those that keep such a list; a named one says it does not
            selected = [a for a in selected if self.supports(a, kind)]
        fetch = _fetcher(kind, datetime.now(UTC) - self.lookback)

        async def sorted_rows(acc: Account) -> list[Row]:
            return newest_first(list(await fetch(acc)))

        return await across(selected, sorted_rows, budget=self.budget)
