"""Pair notation: users type ``BTC/USDT``, ``btc_usdt`` or the exchange's own id in any case."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .models import Market

_SEPARATORS = ("/", "_", "-", ":")


def unified(base: str, quote: str) -> str:
    return f"{base.upper()}/{quote.upper()}"


def split_pair(text: str) -> tuple[str, str] | None:
    """``"btc_usdt"`` -> ``("BTC", "USDT")``; None when the text has no separator."""
    cleaned = text.strip().upper()
    for sep in _SEPARATORS:
        if sep in cleaned:
            base, _, quote = cleaned.partition(sep)
            if base and quote and not any(s in quote for s in _SEPARATORS):
                return base, quote
            return None
    return None


class MarketIndex:
    """Finds a market by any accepted spelling of its pair."""

    def __init__(self, markets: Iterable[Market]) -> None:
        self._by_symbol: dict[str, Market] = {}
        self._by_key: dict[str, Market] = {}
        for market in markets:
            self._by_symbol[market.symbol] = market
            self._by_key[_key(market.id)] = market
            self._by_key[_key(market.base + market.quote)] = market

    def __len__(self) -> int:
        return len(self._by_symbol)

    def __iter__(self) -> Iterator[Market]:
        return iter(self._by_symbol.values())

    @property
    def markets(self) -> list[Market]:
        return list(self._by_symbol.values())

    def find(self, text: str) -> Market | None:
        pair = split_pair(text)
        if pair is not None:
            found = self._by_symbol.get(unified(*pair))
            if found is not None:
                return found
        return self._by_key.get(_key(text))

    def by_id(self, market_id: str) -> Market | None:
        return self._by_key.get(_key(market_id))


def _key(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())
