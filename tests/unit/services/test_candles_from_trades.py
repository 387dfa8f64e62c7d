from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.exchanges.candles import WEEK_S, bucket_start, from_trades, merge
from services.exchanges.models import Candle, PublicTrade
from services.market_data import UnknownInterval, normalize_interval


def trade(minute: int, second: int, price: str, amount: str) -> PublicTrade:
    return PublicTrade(
        id=f"{minute}-{second}",
        symbol="BTC/USDT",
        price=Decimal(price),
        amount=Decimal(amount),
        timestamp=datetime(2026, 1, 1, 10, minute, second, tzinfo=UTC),
    )


def test_trades_are_bucketed_into_ohlcv() -> None:
    trades = [trade(0, 30, "11", "2"), trade(0, 5, "10", "1"), trade(0, 50, "9", "1"), trade(1, 0, "12", "3")]
    candles = from_trades(trades, 60)
    assert len(candles) == 2
    first = candles[0]
    assert (first.open, first.high, first.low, first.close, first.volume) == (
        Decimal("10"),
        Decimal("11"),
        Decimal("9"),
        Decimal("9"),
        Decimal("4"),
    )
    assert candles[1].timestamp == datetime(2026, 1, 1, 10, 1, tzinfo=UTC)


def test_intervals_are_normalized_and_checked() -> None:
    assert normalize_interval(None) == "1h"
    assert normalize_interval(" 4H ") == "4h"
    with pytest.raises(UnknownInterval):
        normalize_interval("7m")


def test_weeks_start_on_monday_as_exchanges_count_them() -> None:
    sunday_night = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    assert bucket_start(sunday_night, WEEK_S) == datetime(2026, 11, 23, tzinfo=UTC)
    assert bucket_start(datetime(2026, 11, 30, 0, 1, tzinfo=UTC), WEEK_S) == datetime(
        2026, 11, 30, tzinfo=UTC
    )


def test_days_merge_into_weeks() -> None:
    days = [
        Candle(
            timestamp=datetime(2026, 11, 20 + i, tzinfo=UTC),
            open=Decimal(10 + i),
            high=Decimal(20 + i),
            low=Decimal(5 + i),
            close=Decimal(11 + i),
            volume=Decimal(1),
        )
        for i in range(5)  # Fri 20 .. Tue 24
    ]
    weeks = merge(days, WEEK_S)
    assert [w.timestamp.day for w in weeks] == [16, 23]
    assert (weeks[0].open, weeks[0].close, weeks[0].high, weeks[0].volume) == (10, 13, 22, 3)
    assert (weeks[1].open, weeks[1].close, weeks[1].low) == (13, 15, 8)
