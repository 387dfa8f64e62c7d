"""Public market data derived from a book's own trades: last price, 24 h statistics, candles."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sandbox.exchanges.common.orders import ZERO, Fill

DAY = 86_400.0


@dataclass(frozen=True)
class Depth:
    bids: list[tuple[Decimal, Decimal]]
    asks: list[tuple[Decimal, Decimal]]


@dataclass(frozen=True)
class Stats24h:
    """Over trades of the last 24 h; with no trade in the window, prices are the last known one."""

    open: Decimal | None
    high: Decimal | None
    low: Decimal | None
    last: Decimal | None
    volume: Decimal
    quote_volume: Decimal
    trades: int

    @property
    def change(self) -> Decimal | None:
        if self.open is None or self.last is None:
            return None
        return self.last - self.open

    @property
    def change_percent(self) -> Decimal | None:
        if self.open is None or self.last is None or not self.open:
            return None
        return (self.last - self.open) / self.open * 100


@dataclass(frozen=True)
class Candle:
    time: float
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    quote_volume: Decimal


class MarketData:
    """Keeps every trade of one market (oldest first) and answers questions about them."""

    def __init__(self) -> None:
        self.trades: list[Fill] = []

    def record_trade(self, fill: Fill) -> None:
        self.trades.append(fill)

    @property
    def last_price(self) -> Decimal | None:
        return self.trades[-1].price if self.trades else None

    def recent_trades(self, limit: int = 100) -> list[Fill]:
        """Newest first."""
        return self.trades[::-1][:limit]

    def stats_24h(self, now: float) -> Stats24h:
        window = [t for t in self.trades if now - DAY < t.time <= now]
        if not window:
            last = self.last_price
            return Stats24h(last, last, last, last, ZERO, ZERO, 0)
        prices = [t.price for t in window]
        return Stats24h(
            open=prices[0],
            high=max(prices),
            low=min(prices),
            last=prices[-1],
            volume=sum((t.amount for t in window), ZERO),
            quote_volume=sum((t.cost for t in window), ZERO),
            trades=len(window),
        )

    def candles(
        self, interval: float, since: float | None = None, until: float | None = None
    ) -> list[Candle]:
        """OHLCV per ``interval`` seconds, oldest first; intervals without trades are left out."""
        buckets: dict[float, list[Fill]] = {}
        for trade in self.trades:
            if (since is not None and trade.time < since) or (until is not None and trade.time >= until):
                continue
            start = trade.time - trade.time % interval
            buckets.setdefault(start, []).append(trade)
        return [
            Candle(
                time=start,
                open=group[0].price,
                high=max(t.price for t in group),
                low=min(t.price for t in group),
                close=group[-1].price,
                volume=sum((t.amount for t in group), ZERO),
                quote_volume=sum((t.cost for t in group), ZERO),
            )
            for start, group in sorted(buckets.items())
        ]
