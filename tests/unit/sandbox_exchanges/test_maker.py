from decimal import Decimal

import pytest

from sandbox.exchanges.common.ledger import Ledger
from sandbox.exchanges.common.maker import MarketMaker
from sandbox.exchanges.common.matching import MatchingBook
from sandbox.exchanges.common.orders import SimOrder

D = Decimal


@pytest.fixture
def book() -> MatchingBook:
    return MatchingBook("BTC/USDT", "BTC", "USDT", Ledger(), price_step=D("0.01"))


def test_quotes_levels_on_both_sides_of_mid(book: MatchingBook) -> None:
    maker = MarketMaker(book, levels=3, spread=D("0.002"), step=D("0.001"), size=D("0.5"))
    maker.reprice(D(100))
    depth = book.depth()
    assert depth.bids == [(D("99.90"), D("0.5")), (D("99.80"), D("0.5")), (D("99.70"), D("0.5"))]
    assert depth.asks == [(D("100.10"), D("0.5")), (D("100.20"), D("0.5")), (D("100.30"), D("0.5"))]


def test_reprice_replaces_the_old_quotes(book: MatchingBook) -> None:
    maker = MarketMaker(book, levels=2)
    maker.reprice(D(100))
    maker.reprice(D(200))
    assert len(book.open_orders("market-maker")) == 4
    assert book.best_bid is not None and book.best_bid > 190


def test_moving_the_price_over_a_resting_order_fills_it(book: MatchingBook) -> None:
    book.ledger.credit("alice", "USDT", D(1000))
    maker = MarketMaker(book, levels=2)
    maker.reprice(D(100))
    order = SimOrder("alice", "BTC/USDT", "buy", "limit", amount=D(1), price=D(99))
    book.place(order)
    fills = maker.reprice(D(95))
    assert order.status == "filled"
    assert fills[0].price == D(99)


def test_maker_never_runs_out_of_funds(book: MatchingBook) -> None:
    maker = MarketMaker(book, levels=1)
    for mid in (D(100), D(1000), D(10_000)):
        maker.reprice(mid)
        book.ledger.credit("taker", "USDT", mid * 2)
        book.place(SimOrder("taker", "BTC/USDT", "buy", "market", amount=D(1)))
    assert len(book.open_orders("market-maker")) == 1
