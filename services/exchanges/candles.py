"""One way to put prices into candles: trades into candles, and short candles into longer ones.

Buckets are aligned on the epoch, weeks on Monday 00:00 UTC as exchanges count them (the epoch was a
Thursday).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from .models import Candle, PublicTrade

WEEK_S = 7 * 86400
_MONDAY_S = 4 * 86400  # 1970-01-05, the first Monday after the epoch


def bucket_start(moment: datetime, seconds: int) -> datetime:
    shift = _MONDAY_S if seconds == WEEK_S else 0
    start = (int(moment.timestamp()) - shift) // seconds * seconds + shift
    return datetime.fromtimestamp(start, UTC)


def merge(candles: Iterable[Candle], seconds: int) -> list[Candle]:
    """Candles merged into buckets of ``seconds``, each opening at its bucket's start."""
    buckets: dict[datetime, list[Candle]] = {}
    for candle in sorted(candles, key=lambda c: c.timestamp):
        buckets.setdefault(bucket_start(candle.timestamp, seconds), []).append(candle)
    return [
        Candle(
            timestamp=start,
            open=group[0].open,
            high=max(c.high for c in group),
            low=min(c.low for c in group),
            close=group[-1].close,
            volume=sum((c.volume for c in group), Decimal(0)),
        )
        for start, group in sorted(buckets.items())
    ]


def from_trades(trades: Iterable[PublicTrade], seconds: int) -> list[Candle]:
    """OHLCV buckets from trades, for exchanges that publish trades but no candles."""
    points = (
        Candle(timestamp=t.timestamp, open=t.price, high=t.price, low=t.price, close=t.price, volume=t.amount)
        for t in trades
    )
    return merge(points, seconds)
