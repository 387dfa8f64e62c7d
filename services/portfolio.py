"""Balances across accounts and their value in one quote currency."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import TypeAdapter

from services.accounts import Account, AccountRegistry, AccountResult, across, across_fetched
from services.alerts.prices import FreshPrices
from services.exchanges import errors
from services.exchanges.budget import TimeBudget
from services.exchanges.capabilities import Capability
from services.exchanges.models import Balance, Balances, Ticker
from services.pricing import DEFAULT_TOLERANCE, Price, PriceGraph
from services.read_cache import Fetched, Freshness, SharedReads

_BALANCES = TypeAdapter(Balances)


@dataclass(frozen=True)
class Valued:
    """A holding's value by one route: the assets walked and the exchanges whose markets were used."""

    value: Decimal
    path: tuple[str, ...]
    exchanges: tuple[str, ...]


@dataclass(frozen=True)
class Holding:
    account: str
    asset: str
    free: Decimal
    reserved: Decimal
    value: Decimal | None  # in the report's quote; None when no route prices it or its routes disagree
    path: tuple[str, ...] = ()
    places: int | None = None  # the asset's decimal places on its exchange, when its markets say
    # when two routes disagree beyond the tolerance: the holding's value by each, most trusted first
    disputed: tuple[Valued, ...] = ()

    @property
    def uncertain(self) -> bool:
        return bool(self.disputed)

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
    price_tolerance: Decimal = DEFAULT_TOLERANCE  # how far two routes may differ before "uncertain"
    freshness: Freshness | None = None  # of the balances, the oldest
    # exchanges priced from the price feed instead of a request, with the age of their oldest price (s)
    feed_ages: dict[str, float] = field(default_factory=dict)

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
        """Holdings no route prices (not those whose routes disagree: see ``uncertain``)."""
        return [h for h in self.holdings if h.value is None and not h.uncertain]

    def uncertain(self) -> list[Holding]:
        """Holdings whose price routes disagree: shown with both figures, left out of every total."""
        return [h for h in self.holdings if h.uncertain]

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


@dataclass(frozen=True)
class ExchangeTickers:
    tickers: dict[str, Ticker]
    feed_age_s: float | None = None  # from the price feed, this many seconds old; None: fetched


class TickerCache:
    """All tickers of an exchange: the price feed's while fresh, else fetched in one request and kept
    for a few seconds.

    A portfolio over several accounts of one exchange costs one tickers request, not one per account.
    """

    def __init__(self, ttl: float = 15.0, fresh: FreshPrices | None = None) -> None:
        self._ttl = ttl
        self._fresh = fresh
        self._entries: dict[str, tuple[float, dict[str, Ticker]]] = {}
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def get(self, account: Account) -> ExchangeTickers:
        if not account.client.has(Capability.FETCH_TICKERS):
            return ExchangeTickers({})
        fed = None if self._fresh is None else await self._fresh.tickers(account.name)
        if fed is not None:
            return ExchangeTickers(fed.tickers, fed.age_s)
        return ExchangeTickers(await self._fetch(account))

    async def _fetch(self, account: Account) -> dict[str, Ticker]:
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
        reads: SharedReads,
        quote: str,
        dust_threshold: Decimal,
        budget: TimeBudget,
        tickers: TickerCache | None = None,
        price_tolerance: Decimal = DEFAULT_TOLERANCE,
    ) -> None:
        self.accounts = accounts
        self.reads = reads
        self.quote = quote.upper()
        self.dust_threshold = dust_threshold
        self.price_tolerance = price_tolerance
        self.budget = budget
        self.tickers = tickers or TickerCache()

    def _balance_reader(self, fresh: bool) -> Callable[[Account], Awaitable[Fetched[Balances]]]:
        """One account's balance, shared by every member and bot copy asking at about the same time;
        ``fresh`` (Refresh) takes no stored answer."""

        async def read(account: Account) -> Fetched[Balances]:
            return await self.reads.read(
                f"balance:{account.name}",
                _BALANCES,
                lambda: _fetch_balance(account),
                exchange=account.exchange,
                fresh=fresh,
            )

        return read

    async def report(
        self, quote: str | None = None, account: str | None = None, *, fresh: bool = False
    ) -> PortfolioReport:
        quote = (quote or self.quote).upper()
        selected = self._with_balances(account)
        balances, tickers, places = await asyncio.gather(
            across_fetched(selected, self._balance_reader(fresh), budget=self.budget),
            self._all_tickers(),
            across(selected, _asset_places, budget=self.budget),
        )
        places_of = {r.account.name: r.value or {} for r in places}
        graph = PriceGraph()
        for exchange, got in tickers.items():
            for ticker in got.tickers.values():
                graph.add(ticker, exchange)
        holdings: list[Holding] = []
        prices: dict[tuple[str, str], Price | None] = {}  # accounts on one exchange share their routes
        for result in balances:
            if result.value is None:
                continue
            exchange = result.account.exchange
            for balance in result.value.non_zero():
                key = (balance.asset, exchange)
                if key not in prices:
                    prices[key] = graph.price(
                        balance.asset, quote, tolerance=self.price_tolerance, prefer=exchange
                    )
                price = prices[key]
                asset_places = places_of[result.account.name].get(balance.asset)
                holdings.append(_holding(result.account.name, balance, price, asset_places))
        return PortfolioReport(
            quote=quote,
            dust_threshold=self._dust_in(quote, graph),
            holdings=holdings,
            failures=[r for r in balances if not r.ok],
            accounts=[a.name for a in selected],
            price_tolerance=self.price_tolerance,
            freshness=Freshness.oldest(r.freshness for r in balances),
            feed_ages={
                exchange: got.feed_age_s for exchange, got in tickers.items() if got.feed_age_s is not None
            },
        )

    async def value(self, account: str, asset: str, amount: Decimal) -> Decimal | None:
        """``amount`` of ``asset`` in the portfolio's quote, priced as the portfolio prices it (the most
        trusted route, the account's exchange preferred, cross-checked); None when no route prices it or
        the routes disagree."""
        asset = asset.upper()
        if asset == self.quote:
            return amount
        graph = PriceGraph()
        for exchange, got in (await self._all_tickers()).items():
            for ticker in got.tickers.values():
                graph.add(ticker, exchange)
        prefer = self.accounts.get(account).exchange
        price = graph.price(asset, self.quote, tolerance=self.price_tolerance, prefer=prefer)
        return _worth(amount, None if price is None else price.value)

    def _dust_in(self, quote: str, graph: PriceGraph) -> Decimal:
        """The dust threshold (set in the configured quote) in ``quote``: 1 USDT is not 1 BTC. Where no
        route converts it, nothing is dust: better shown than hidden."""
        price = graph.price(self.quote, quote, tolerance=self.price_tolerance)
        value = None if price is None else price.value
        return Decimal(0) if value is None else self.dust_threshold * value

    def _with_balances(self, account: str | None) -> list[Account]:
        """A named account even if it has no balances (it says so); all accounts means those that do."""
        if account is not None:
            return self.accounts.select(account)
        return [a for a in self.accounts if a.client.has(Capability.FETCH_BALANCE)]

    async def _all_tickers(self) -> dict[str, ExchangeTickers]:
        """Tickers of every exchange (one account each), for prices and cross-exchange conversion."""
        # spot exchanges only: an exchanger site's rates cost one request per direction, and its
        # accounts hold no balances to price
        one_per_exchange = {a.exchange: a for a in self.accounts if a.client.has(Capability.FETCH_BALANCE)}
        results = await across(one_per_exchange.values(), self.tickers.get, budget=self.budget)
        return {r.account.exchange: r.value for r in results if r.value is not None}


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


def _worth(amount: Decimal, price: Decimal | None) -> Decimal | None:
    """amount × price, or None where Decimal cannot hold the product (an exchange sending 1e999999):
    that holding shows unpriced, and nobody else's value breaks."""
    if price is None:
        return None
    try:
        return amount * price
    except ArithmeticError:
        return None


def _holding(account: str, balance: Balance, price: Price | None, places: int | None) -> Holding:
    disputed: tuple[Valued, ...] = ()
    if price is not None and price.uncertain and price.check is not None:
        disputed = tuple(
            Valued(worth, rate.path, rate.exchanges)
            for rate in (price.best, price.check)
            if (worth := _worth(balance.total, rate.value)) is not None
        )
    return Holding(
        account=account,
        asset=balance.asset,
        free=balance.free,
        reserved=balance.reserved,
        value=None if price is None else _worth(balance.total, price.value),
        path=() if price is None else price.best.path,
        places=places,
        disputed=disputed,
    )
