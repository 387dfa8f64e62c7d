"""Converts any asset into a quote currency from the exchanges' tickers.

A direct pair is used when one exists; otherwise the conversion goes through intermediate assets
(ASSET -> BTC -> USDT, say), the shortest path first. Prices are mid-market where a bid and an ask are
known, else the last trade.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from services.exchanges.models import Ticker
from services.exchanges.symbols import split_pair

MAX_HOPS = 3


@dataclass(frozen=True)
class Rate:
    value: Decimal
    path: tuple[str, ...]  # assets walked through, from the asset to the quote


def ticker_price(ticker: Ticker) -> Decimal | None:
    if ticker.bid and ticker.ask and ticker.bid > 0 and ticker.ask > 0:
        return (ticker.bid + ticker.ask) / 2
    if ticker.last and ticker.last > 0:
        return ticker.last
    return None


class PriceGraph:
    def __init__(self) -> None:
        self._edges: dict[str, dict[str, Decimal]] = {}

    @classmethod
    def from_tickers(cls, tickers: Iterable[Ticker]) -> PriceGraph:
        graph = cls()
        for ticker in tickers:
            graph.add(ticker)
        return graph

    def add(self, ticker: Ticker) -> None:
        pair = split_pair(ticker.symbol)
        price = ticker_price(ticker)
        if pair is None or price is None:
            return
        base, quote = pair
        # the first source of a pair wins: callers add the account's own exchange first
        self._edges.setdefault(base, {}).setdefault(quote, price)
        self._edges.setdefault(quote, {}).setdefault(base, 1 / price)

    def rate(self, asset: str, quote: str) -> Rate | None:
        asset, quote = asset.upper(), quote.upper()
        if asset == quote:
            return Rate(Decimal(1), (asset,))
        seen = {asset}
        queue: deque[tuple[str, Decimal, tuple[str, ...]]] = deque([(asset, Decimal(1), (asset,))])
        while queue:
            node, value, path = queue.popleft()
            if len(path) > MAX_HOPS:
                continue
            for nxt, price in sorted(self._edges.get(node, {}).items()):
                if nxt in seen:
                    continue
                if nxt == quote:
                    return Rate(value * price, (*path, nxt))
                seen.add(nxt)
                queue.append((nxt, value * price, (*path, nxt)))
        return None
