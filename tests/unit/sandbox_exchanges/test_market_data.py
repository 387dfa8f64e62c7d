from decimal import Decimal

import pytest

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.ledger import Ledger
from sandbox.exchanges.common.matching import MatchingBook
from sandbox.exchanges.common.orders import SimOrder

D = Decimal


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed(1_700_000_000)


@pytest.fixture
def book(clock: Clock) -> MatchingBook:
    ledger = Ledger()
    ledger.credit("a", "USDT", D(10**9))
    ledger.credit("a", "BTC", D(1000))
    return MatchingBook("BTC/USDT", "BTC", "USDT", ledger, clock=clock)


def trade(book: MatchingBook, price: str, amount: str = "1") -> None:
    book.place(SimOrder("a", "BTC/USDT", "sell", "limit", amount=D(amount), price=D(price)))
    book.place(SimOrder("a", "BTC/USDT", "buy", "market", amount=D(amount)))


def test_no_trades_means_no_prices(book: MatchingBook, clock: Clock) -> None:
    stats = book.stats_24h(clock.now())
    assert (stats.last, stats.volume, stats.change) == (None, D(0), None)


def test_stats_cover_the_last_24_hours(book: MatchingBook, clock: Clock) -> None:
    trade(book, "90")
    clock.advance(3600)
    for price in ("100", "120", "110"):
        trade(book, price, "2")
    clock.advance(86_400 - 1800)  # the trade at 90 is now older than a day
    stats = book.stats_24h(clock.now())
    assert (stats.open, stats.high, stats.low, stats.last) == (D(100), D(120), D(100), D(110))
    assert (stats.volume, stats.quote_volume, stats.trades) == (D(6), D(660), 3)
    assert stats.change_percent == D(10)


def test_quiet_day_reports_the_last_known_price(book: MatchingBook, clock: Clock) -> None:
    trade(book, "90")
    clock.advance(2 * 86_400)
    stats = book.stats_24h(clock.now())
    assert (stats.open, stats.last, stats.volume) == (D(90), D(90), D(0))


def test_candles_group_trades_by_interval(book: MatchingBook, clock: Clock) -> None:
    trade(book, "100")
    trade(book, "105")
    clock.advance(60)
    trade(book, "95", "3")
    candles = book.candles(60)
    assert [(c.open, c.high, c.low, c.close, c.volume) for c in candles] == [
        (D(100), D(105), D(100), D(105), D(2)),
        (D(95), D(95), D(95), D(95), D(3)),
    ]
    assert candles[1].time - candles[0].time == 60


def test_recent_trades_are_newest_first(book: MatchingBook) -> None:
    trade(book, "100")
    trade(book, "101")
    assert [t.price for t in book.recent_trades(1)] == [D(101)]
