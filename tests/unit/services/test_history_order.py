from datetime import UTC, datetime
from decimal import Decimal

from services.exchanges.models import OrderSide, Trade
from services.history import newest_first


def _trade(trade_id: str, minute: int, amount: str) -> Trade:
    when = datetime(2026, 1, 1, 12, minute, tzinfo=UTC)
    return Trade(
        id=trade_id,
        symbol="BTC/USDT",
        side=OrderSide.BUY,
        price=Decimal(1),
        amount=Decimal(amount),
        timestamp=when,
    )


def test_rows_of_the_same_time_sort_by_id_never_by_amount() -> None:
    rows = [_trade("9", 0, "100"), _trade("10", 0, "2"), _trade("11", 1, "30"), _trade("8", 0, "5")]
    assert [r.id for r in newest_first(rows)] == ["11", "10", "9", "8"]
    assert [r.id for r in newest_first(list(reversed(rows)))] == ["11", "10", "9", "8"]
