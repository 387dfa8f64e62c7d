"""Balances across accounts and their value in one quote currency."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from services.accounts import Account, AccountRegistry, AccountResult, across
from services.exchanges import errors
from services.exchanges.budget import TimeBudget
from services.exchanges.capabilities import Capability
from services.exchanges.models import Balance, Balances, Ticker
from services.pricing import PriceGraph, Rate


@dataclass(frozen=True)
class Holding:
    account: str
    asset: str
    free: Decimal
    reserved: Decimal
    value: Decimal | None  # in the report's quote; None when no price path exists
    path: tuple[str, ...] = ()
    places: int | None = None  # the asset's decimal places on its exchange, when its markets say

    @property
    def total(self) -> Decimal:
        return self.free + self.reserved


@dataclass(frozen=True)
class PortfolioReport:
    quote: str
    dust_threshold: Decimal
    holdings: list[Holding]
    failures: list[AccountResult[Balances]] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)  # every account asked, in order

    @property
    def total(self) -> Decimal:
        return sum((h.value for h in self.holdings if h.value is not None), Decimal(0))

    def shown(self, account: str | None = None) -> list[Holding]:
        """Holdings worth showing: priced at or above the dust threshold, or not priced at all."""
        return [
            h
            for h in self.holdings
            if (account is None or h.account == account)
            and (h.value is None or h.value >= self.dust_threshold)
        ]

    def dust(self, account: str | None = None) -> list[Holding]:
        return [
            h
            for h in self.holdings
            if (account is None or h.account == account)
            and h.value is not None
            and h.value < self.dust_threshold
        ]

    def unpriced(self) -> list[Holding]:
        return [h for h in self.holdings if h.value is None]

    def by_asset(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for h in self.holdings:
            if h.value is not None:
                totals[h.asset] += h.value
        return dict(sorted(totals.items(), key=lambda kv: kv[1], reverse=True))

    def by_account(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {name: Decimal(0) for name in self.accounts}
        for h in self.holdings:
            if h.value is not None:
                totals[h.account] = totals.get(h.account, Decimal(0)) + h.value
        return totals


class TickerCache:
    """All tickers of an exchange, fetched in one request and kept for a few seconds.

    A portfolio over several accounts of one exchange costs one tickers request, not one per account.
    """

    def __init__(self, ttl: float = 15.0) -> None:
        self._ttl = ttl
        self._entries: dict[str, tuple[float, dict[str, Ticker]]] = {}
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def get(self, account: Account) -> dict[str, Ticker]:
        if not account.client.has(Capability.FETCH_TICKERS):
            return {}
        async with self._locks[account.exchange]:
            cached = self._entries.get(account.exchange)
            if cached is not None and time.monotonic() - cached[0] < self._ttl:
                return cached[1]
            tickers = await account.client.fetch_tickers()
            self._entries[account.exchange] = (time.monotonic(), tickers)
            return tickers


class PortfolioService:
    def __init__(
        self,
        accounts: AccountRegistry,
        *,
        quote: str,
        dust_threshold: Decimal,
        budget: TimeBudget,
        tickers: TickerCache | None = None,
    ) -> None:
        self.accounts = accounts
        self.quote = quote.upper()
        self.dust_threshold = dust_threshold
        self.budget = budget
        self.tickers = tickers or TickerCache()

    async def balances(self, account: str | None = None) -> list[AccountResult[Balances]]:
        return await across(self.accounts.select(account), _fetch_balance, budget=self.budget)

    async def report(self, quote: str | None = None, account: str | None = None) -> PortfolioReport:
        quote = (quote or self.quote).upper()
        selected = self._with_balances(account)
        balances, tickers, places = await asyncio.gather(
            across(selected, _fetch_balance, budget=self.budget),
            self._all_tickers(),
            across(selected, _asset_places, budget=self.budget),
        )
        places_of = {r.account.name: r.value or {} for r in places}
        holdings: list[Holding] = []
        for result in balances:
            if result.value is None:
                continue
            graph = self._graph_for(result.account, tickers)
            for balance in result.value.non_zero():
                rate = graph.rate(balance.asset, quote)
                asset_places = places_of[result.account.name].get(balance.asset)
                holdings.append(_holding(result.account.name, balance, rate, asset_places))
        return PortfolioReport(
            quote=quote,
            dust_threshold=self.dust_threshold,
            holdings=holdings,
            failures=[r for r in balances if not r.ok],
            accounts=[a.name for a in selected],
        )

    def _with_balances(self, account: str | None) -> list[Account]:
        """A named account even if it has no balances (it says so); all accounts means those that do."""
        if account is not None:
            return self.accounts.select(account)
        return [a for a in self.accounts if a.client.has(Capability.FETCH_BALANCE)]

    async def _all_tickers(self) -> dict[str, dict[str, Ticker]]:
        """Tickers of every exchange (one account each), for prices and cross-exchange conversion."""
        # spot exchanges only: an exchanger site's rates cost one request per direction, and its
        # accounts hold no balances to price
        one_per_exchange = {a.exchange: a for a in self.accounts if a.client.has(Capability.FETCH_BALANCE)}
        results = await across(one_per_exchange.values(), self.tickers.get, budget=self.budget)
        return {r.account.exchange: r.value for r in results if r.value is not None}

    @staticmethod
    def _graph_for(account: Account, tickers: dict[str, dict[str, Ticker]]) -> PriceGraph:
        graph = PriceGraph()
        # the account's own exchange prices its assets first; others only fill the gaps
        for ticker in tickers.get(account.exchange, {}).values():
            graph.add(ticker)
        for exchange, by_symbol in tickers.items():
            if exchange != account.exchange:
                for ticker in by_symbol.values():
                    graph.add(ticker)
        return graph


async def _fetch_balance(account: Account) -> Balances:
    if not account.client.has(Capability.FETCH_BALANCE):
        raise errors.NotSupported("balance", exchange=account.exchange, endpoint="fetch_balance")
    return await account.client.fetch_balance()


async def _asset_places(account: Account) -> dict[str, int]:
    """Decimal places per asset from the account's markets: amount places of a base, price of a quote."""
    places: dict[str, int] = {}
    for market in (await account.client.load_markets()).markets:
        for asset, digits in ((market.base, market.precision.amount), (market.quote, market.precision.price)):
            if digits is not None:
                places[asset] = max(places.get(asset, 0), digits)
    return places


def _holding(account: str, balance: Balance, rate: Rate | None, places: int | None) -> Holding:
    return Holding(
        account=account,
        asset=balance.asset,
        free=balance.free,
        reserved=balance.reserved,
        value=None if rate is None else balance.total * rate.value,
        path=() if rate is None else rate.path,
        places=places,
    )
