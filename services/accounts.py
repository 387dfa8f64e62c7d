"""The configured exchange accounts, each with its client, and concurrent calls across them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from services.exchanges import errors
from services.exchanges.base import ClientConfig, ExchangeClient
from services.exchanges.budget import TimeBudget
from services.exchanges.models import AccountInfo
from services.exchanges.registry import create_client
from services.read_cache import Fetched, Freshness

T = TypeVar("T")

log = logging.getLogger("services.exchanges")


class UnknownAccount(LookupError):
    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = list(known)


@dataclass(frozen=True)
class Account:
    name: str
    exchange: str
    client: ExchangeClient


@dataclass(frozen=True)
class AccountResult(Generic[T]):
    """What one account answered, or why it could not."""

    account: Account
    value: T | None = None
    error: errors.ExchangeError | None = None
    freshness: Freshness | None = None  # when the value was fetched, if it went through SharedReads
    # the pairs looked through, where the exchange answers one pair at a time (Indodax's own trades)
    searched: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


class AccountRegistry:
    def __init__(self, accounts: Iterable[Account]) -> None:
        self._accounts = {a.name: a for a in accounts}

    @classmethod
    def build(cls, specs: Iterable[tuple[str, ClientConfig]]) -> AccountRegistry:
        """``specs``: (exchange, client config) per account; the config's ``account`` is the name."""
        return cls(Account(cfg.account, exchange, create_client(exchange, cfg)) for exchange, cfg in specs)

    def __iter__(self) -> Iterator[Account]:
        return iter(self._accounts.values())

    def __len__(self) -> int:
        return len(self._accounts)

    @property
    def names(self) -> list[str]:
        return list(self._accounts)

    def get(self, name: str) -> Account:
        account = self._accounts.get(name.strip().lower())
        if account is None:
            raise UnknownAccount(name, self.names)
        return account

    def select(self, name: str | None) -> list[Account]:
        """One account by name, or all of them when no name is given."""
        return list(self) if name is None else [self.get(name)]

    async def close(self) -> None:
        await asyncio.gather(*(a.client.close() for a in self), return_exceptions=True)


async def across(
    accounts: Iterable[Account],
    call: Callable[[Account], Awaitable[T]],
    *,
    budget: TimeBudget,
) -> list[AccountResult[T]]:
    """Run ``call`` on every account at once, each within the budget's total.

    The reply then takes about as long as the slowest account, not the sum; an account that fails
    or times out carries its error while the others still answer. The deadline is kept by each request
    (reads stop retrying when it passes), never by cancelling a call: a write in flight runs to its answer.
    """

    async def one(account: Account) -> AccountResult[T]:
        try:
            with budget.deadline():
                value = await call(account)
        except errors.ExchangeError as exc:
            if not exc.logged:  # failed in the client, not on the wire (an answer it could not read)
                log.warning(
                    "exchange call failed: account=%s exchange=%s method=%s error=%s: %s",
                    account.name,
                    account.exchange,
                    exc.endpoint or "-",
                    type(exc).__name__,
                    account.client.redactor.text(exc.message),
                )
                exc.logged = True
            return AccountResult(account, error=exc)
        return AccountResult(account, value=value)

    return list(await asyncio.gather(*(one(a) for a in accounts)))


async def across_fetched(
    accounts: Iterable[Account],
    call: Callable[[Account], Awaitable[Fetched[T]]],
    *,
    budget: TimeBudget,
) -> list[AccountResult[T]]:
    """``across`` for shared reads: each result keeps the time its value was fetched."""
    results = await across(accounts, call, budget=budget)
    return [
        AccountResult(r.account, error=r.error)
        if r.value is None
        else AccountResult(r.account, r.value.value, freshness=r.value.freshness)
        for r in results
    ]


async def check_reachability(
    accounts: Iterable[Account], *, budget: TimeBudget
) -> list[AccountResult[AccountInfo]]:
    """The cheapest authenticated call on every account: is it up, does the key work, what may it do."""

    async def info(account: Account) -> AccountInfo:
        return await account.client.fetch_account_info()

    return await across(accounts, info, budget=budget)
