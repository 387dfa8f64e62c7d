"""Converts any asset into a quote currency from the exchanges' tickers, choosing routes by trust.

A route is a chain of markets from the asset to the quote (ASSET/QUOTE, or ASSET -> BTC -> USDT, say).
Trust: fewer markets first (a direct market in the quote before any conversion); among routes of one
length, the deepest first (the 24h volume of its thinnest market, in units of the asset), then the
account's own exchange. The most trusted route gives the price; the next route that shares no market
with it cross-checks it, and when the two disagree by more than a tolerance the price is uncertain:
both figures are kept and neither is taken as the value. Prices are mid-market where a bid and an ask
are known, else the last trade.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from services.exchanges.models import Ticker
from services.exchanges.symbols import split_pair

MAX_HOPS = 3
DEFAULT_TOLERANCE = Decimal("0.05")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Leg:
    """One market walked in one direction: ``price`` units of ``target`` per unit of ``source``."""

    source: str
    target: str
    price: Decimal
    exchange: str
    symbol: str  # the market as listed, BASE/QUOTE
    volume: Decimal  # 24h volume in units of ``source``; 0 when the exchange does not say


@dataclass(frozen=True)
class Rate:
    value: Decimal
    path: tuple[str, ...]  # assets walked through, from the asset to the quote
    legs: tuple[Leg, ...] = ()
    depth: Decimal = ZERO  # 24h volume of the thinnest market on the route, in units of the asset

    @property
    def markets(self) -> frozenset[tuple[str, str]]:
        return frozenset((leg.exchange, leg.symbol) for leg in self.legs)

    @property
    def exchanges(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(leg.exchange for leg in self.legs))


@dataclass(frozen=True)
class Price:
    """The trusted route and, where a second independent route exists, the one that checked it."""

    best: Rate
    check: Rate | None
    uncertain: bool  # the two routes disagree by more than the tolerance

    @property
    def value(self) -> Decimal | None:
        return None if self.uncertain else self.best.value


def ticker_price(ticker: Ticker) -> Decimal | None:
    if ticker.bid and ticker.ask and ticker.bid > 0 and ticker.ask > 0:
        return (ticker.bid + ticker.ask) / 2
    if ticker.last and ticker.last > 0:
        return ticker.last
    return None


def disagree(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    """More than ``tolerance`` (a fraction) between two positive prices, measured from the lower."""
    low, high = sorted((a, b))
    return high > low * (1 + tolerance)


class PriceGraph:
    def __init__(self) -> None:
        # source asset -> target asset -> one leg per (exchange, market)
        self._legs: dict[str, dict[str, dict[tuple[str, str], Leg]]] = {}

    @classmethod
    def from_tickers(cls, tickers: Iterable[Ticker], exchange: str = "") -> PriceGraph:
        graph = cls()
        for ticker in tickers:
            graph.add(ticker, exchange)
        return graph

    def add(self, ticker: Ticker, exchange: str = "") -> None:
        pair = split_pair(ticker.symbol)
        price = ticker_price(ticker)
        if pair is None or price is None:
            return
        base, quote = pair
        symbol = f"{base}/{quote}"
        base_volume = ticker.base_volume or (ticker.quote_volume / price if ticker.quote_volume else ZERO)
        quote_volume = ticker.quote_volume or base_volume * price
        key = (exchange, symbol)
        self._legs.setdefault(base, {}).setdefault(quote, {}).setdefault(
            key, Leg(base, quote, price, exchange, symbol, base_volume)
        )
        self._legs.setdefault(quote, {}).setdefault(base, {}).setdefault(
            key, Leg(quote, base, 1 / price, exchange, symbol, quote_volume)
        )

    def routes(self, asset: str, quote: str, prefer: str = "") -> list[Rate]:
        """Every route of the fewest markets that has one, most trusted first (see the module's doc).

        Longer routes are looked at only while there are fewer than two independent ones, so an
        exchange with hundreds of markets does not cost a walk through all of them."""
        asset, quote = asset.upper(), quote.upper()
        if asset == quote:
            return [Rate(Decimal(1), (asset,))]
        found: list[Rate] = []
        for hops in range(1, MAX_HOPS + 1):
            found += sorted(self._walk(asset, quote, hops), key=lambda r: _trust(r, prefer))
            if found and _independent_check(found) is not None:
                break
        return found

    def rate(self, asset: str, quote: str, prefer: str = "") -> Rate | None:
        """The most trusted route, unchecked."""
        routes = self.routes(asset, quote, prefer)
        return routes[0] if routes else None

    def price(
        self, asset: str, quote: str, *, tolerance: Decimal = DEFAULT_TOLERANCE, prefer: str = ""
    ) -> Price | None:
        """The most trusted route, cross-checked by the most trusted one sharing no market with it."""
        routes = self.routes(asset, quote, prefer)
        if not routes:
            return None
        check = _independent_check(routes)
        uncertain = check is not None and disagree(routes[0].value, check.value, tolerance)
        return Price(best=routes[0], check=check, uncertain=uncertain)

    def _walk(self, asset: str, quote: str, hops: int) -> Iterator[Rate]:
        """Routes of exactly ``hops`` markets that visit no asset twice."""

        def extend(node: str, legs: tuple[Leg, ...], seen: frozenset[str]) -> Iterator[tuple[Leg, ...]]:
            for target, by_market in self._legs.get(node, {}).items():
                if target in seen:
                    continue
                last = len(legs) + 1 == hops
                if last != (target == quote):
                    continue
                for leg in by_market.values():
                    if last:
                        yield (*legs, leg)
                    else:
                        yield from extend(target, (*legs, leg), seen | {target})

        for legs in extend(asset, (), frozenset({asset})):
            yield _rate(legs)


def _rate(legs: tuple[Leg, ...]) -> Rate:
    value = Decimal(1)
    depth: Decimal | None = None
    for leg in legs:
        # the leg's volume in units of the asset valued: divided by what one unit of it is worth here
        in_asset = leg.volume / value
        depth = in_asset if depth is None else min(depth, in_asset)
        value *= leg.price
    return Rate(value, (legs[0].source, *(leg.target for leg in legs)), legs, depth or ZERO)


def _trust(rate: Rate, prefer: str) -> tuple[int, Decimal, bool, tuple[str, ...], tuple[str, ...]]:
    """Sort key: fewer markets, deeper, on the preferred exchange; then by name, so it is stable."""
    own = bool(prefer) and all(leg.exchange == prefer for leg in rate.legs)
    return (len(rate.legs), -rate.depth, not own, rate.exchanges, rate.path)


def _independent_check(routes: list[Rate]) -> Rate | None:
    best = routes[0].markets
    return next((r for r in routes[1:] if not r.markets & best), None)
