from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.exchanges.models import PublicTrade
from services.market_data import UnknownInterval, candles_from_trades, normalize_interval


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
    candles = candles_from_trades(trades, "1m")
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
