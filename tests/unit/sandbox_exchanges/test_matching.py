from decimal import Decimal

import pytest

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.ledger import Holding, InsufficientBalance, Ledger
from sandbox.exchanges.common.matching import MatchingBook
from sandbox.exchanges.common.orders import Fill, InvalidSimOrder, OrderNotOpen, SimOrder

D = Decimal


@pytest.fixture
def ledger() -> Ledger:
    ledger = Ledger()
    for account in ("alice", "bob"):
        ledger.credit(account, "USDT", D(100_000))
        ledger.credit(account, "BTC", D(10))
    return ledger


@pytest.fixture
def book(ledger: Ledger) -> MatchingBook:
    return MatchingBook("BTC/USDT", "BTC", "USDT", ledger, clock=Clock.fixed())


def limit(account: str, side: str, amount: str, price: str) -> SimOrder:
    return SimOrder(account, "BTC/USDT", side, "limit", amount=D(amount), price=D(price))  # type: ignore[arg-type]


def market(account: str, side: str, amount: str = "0", quote: str | None = None) -> SimOrder:
    return SimOrder(
        account,
        "BTC/USDT",
        side,  # type: ignore[arg-type]
        "market",
        amount=D(amount),
        quote_amount=D(quote) if quote else None,
    )


def test_limit_buy_reserves_price_times_amount(book: MatchingBook, ledger: Ledger) -> None:
    book.place(limit("alice", "buy", "2", "100"))
    assert ledger.holding("alice", "USDT") == Holding(D(99_800), D(200))


def test_limit_sell_reserves_base(book: MatchingBook, ledger: Ledger) -> None:
    book.place(limit("alice", "sell", "1.5", "100"))
    assert ledger.holding("alice", "BTC") == Holding(D("8.5"), D("1.5"))


def test_order_beyond_balance_is_refused_and_not_kept(book: MatchingBook) -> None:
    with pytest.raises(InsufficientBalance):
        book.place(limit("alice", "sell", "11", "100"))
    assert book.orders == {}


def test_limit_without_price_is_invalid(book: MatchingBook) -> None:
    with pytest.raises(InvalidSimOrder):
        book.place(SimOrder("alice", "BTC/USDT", "buy", "limit", amount=D(1)))


def test_order_ids_are_unique_and_increasing(book: MatchingBook) -> None:
    first = limit("alice", "buy", "1", "90")
    second = limit("alice", "buy", "1", "91")
    book.place(first)
    book.place(second)
    assert int(second.id) > int(first.id)


def test_crossing_limit_fills_at_resting_price(book: MatchingBook, ledger: Ledger) -> None:
    book.place(limit("bob", "sell", "1", "100"))
    fills = book.place(limit("alice", "buy", "1", "110"))
    assert [(f.price, f.amount) for f in fills] == [(D(100), D(1))]
    assert ledger.holding("alice", "USDT") == Holding(D(99_900), D(0))
    assert ledger.holding("alice", "BTC") == Holding(D(11), D(0))
    assert ledger.holding("bob", "USDT") == Holding(D(100_100), D(0))
    assert ledger.holding("bob", "BTC") == Holding(D(9), D(0))


def test_partial_fill_rests_the_remainder(book: MatchingBook, ledger: Ledger) -> None:
    book.place(limit("bob", "sell", "1", "100"))
    order = limit("alice", "buy", "3", "100")
    book.place(order)
    assert (order.status, order.filled, order.remaining) == ("open", D(1), D(2))
    assert book.depth().bids == [(D(100), D(2))]
    assert ledger.reserved("alice", "USDT") == D(200)


def test_price_time_priority_fills_the_older_order_first(book: MatchingBook) -> None:
    older, newer = limit("bob", "sell", "1", "100"), limit("alice", "sell", "1", "100")
    book.place(older)
    book.place(newer)
    fills = book.place(limit("alice", "buy", "1", "100"))
    assert fills[0].maker_order_id == older.id
    assert newer.status == "open"


def test_better_price_fills_before_older_order(book: MatchingBook) -> None:
    book.place(limit("bob", "sell", "1", "101"))
    cheaper = limit("bob", "sell", "1", "100")
    book.place(cheaper)
    fills = book.place(limit("alice", "buy", "1", "101"))
    assert fills[0].maker_order_id == cheaper.id


def test_non_crossing_limits_both_rest(book: MatchingBook) -> None:
    book.place(limit("bob", "sell", "1", "101"))
    assert book.place(limit("alice", "buy", "1", "100")) == []
    assert (book.best_bid, book.best_ask) == (D(100), D(101))


def test_market_buy_consumes_levels(book: MatchingBook, ledger: Ledger) -> None:
    book.place(limit("bob", "sell", "1", "100"))
    book.place(limit("bob", "sell", "1", "110"))
    order = market("alice", "buy", "1.5")
    fills = book.place(order)
    assert [(f.price, f.amount) for f in fills] == [(D(100), D(1)), (D(110), D("0.5"))]
    assert (order.status, order.cost) == ("filled", D(155))
    assert ledger.holding("alice", "USDT") == Holding(D(99_845), D(0))


def test_market_order_larger_than_book_cancels_the_rest(book: MatchingBook, ledger: Ledger) -> None:
    book.place(limit("bob", "buy", "1", "100"))
    order = market("alice", "sell", "3")
    book.place(order)
    assert (order.status, order.filled) == ("cancelled", D(1))
    assert ledger.holding("alice", "BTC") == Holding(D(9), D(0))


def test_market_order_on_empty_book_is_cancelled_unfilled(book: MatchingBook) -> None:
    order = market("alice", "buy", "1")
    assert book.place(order) == []
    assert (order.status, order.filled) == ("cancelled", D(0))


def test_market_buy_sized_in_quote_spends_at_most_that(book: MatchingBook, ledger: Ledger) -> None:
    book.place(limit("bob", "sell", "1", "100"))
    book.place(limit("bob", "sell", "1", "200"))
    order = market("alice", "buy", quote="150")
    book.place(order)
    assert (order.status, order.amount, order.cost) == ("filled", D("1.25"), D(150))
    assert ledger.holding("alice", "USDT") == Holding(D(99_850), D(0))


def test_cancel_releases_the_reserve(book: MatchingBook, ledger: Ledger) -> None:
    order = limit("alice", "buy", "2", "100")
    book.place(order)
    book.cancel(order.id)
    assert order.status == "cancelled"
    assert ledger.holding("alice", "USDT") == Holding(D(100_000), D(0))
    assert book.depth().bids == []


def test_cancel_after_partial_fill_releases_only_the_rest(book: MatchingBook, ledger: Ledger) -> None:
    order = limit("alice", "buy", "2", "100")
    book.place(order)
    book.place(limit("bob", "sell", "0.5", "100"))
    book.cancel(order.id)
    assert ledger.holding("alice", "USDT") == Holding(D(99_950), D(0))
    assert ledger.holding("alice", "BTC").free == D("10.5")


def test_cancelling_a_filled_order_is_refused(book: MatchingBook) -> None:
    maker = limit("bob", "sell", "1", "100")
    book.place(maker)
    book.place(limit("alice", "buy", "1", "100"))
    with pytest.raises(OrderNotOpen):
        book.cancel(maker.id)


def test_buy_filled_below_its_limit_gets_the_difference_back(book: MatchingBook, ledger: Ledger) -> None:
    book.place(limit("bob", "sell", "1", "90"))
    book.place(limit("alice", "buy", "1", "100"))
    assert ledger.holding("alice", "USDT") == Holding(D(99_910), D(0))


def test_stop_limit_waits_reserved(book: MatchingBook, ledger: Ledger) -> None:
    order = SimOrder("alice", "BTC/USDT", "sell", "stop_limit", amount=D(1), price=D(89), stop_price=D(90))
    book.place(limit("bob", "sell", "1", "100"))
    book.place(limit("bob", "buy", "1", "99"))
    assert book.place(order) == []
    assert order.status == "pending_stop"
    assert ledger.reserved("alice", "BTC") == D(1)
    assert book.depth().asks == [(D(100), D(1))]


def test_stop_limit_triggers_when_a_trade_crosses_its_stop(book: MatchingBook) -> None:
    book.place(limit("bob", "sell", "1", "100"))
    stop = SimOrder("alice", "BTC/USDT", "buy", "stop_limit", amount=D(1), price=D(120), stop_price=D(110))
    book.place(stop)
    book.place(limit("bob", "sell", "2", "110"))
    book.place(market("bob", "buy", "1"))  # takes 100: below the stop, nothing happens
    assert stop.status == "pending_stop"
    fills = book.place(limit("bob", "buy", "0.1", "110"))  # trades at 110: the stop triggers, buys the rest
    assert stop.status == "filled"
    assert [f.taker_order_id for f in fills][-1] == stop.id


def test_cancel_pending_stop_releases(book: MatchingBook, ledger: Ledger) -> None:
    stop = SimOrder("alice", "BTC/USDT", "sell", "stop_limit", amount=D(1), price=D(89), stop_price=D(90))
    book.place(stop)
    book.cancel(stop.id)
    assert ledger.holding("alice", "BTC") == Holding(D(10), D(0))


def test_check_stops_accepts_an_outside_reference_price(book: MatchingBook) -> None:
    book.place(limit("bob", "buy", "1", "95"))
    stop = SimOrder("alice", "BTC/USDT", "sell", "stop_limit", amount=D(1), price=D(95), stop_price=D(96))
    book.place(stop)  # reference price is the bid (95): a stop above it triggers on the way up
    book.check_stops(D(96))
    assert stop.status == "filled"


def test_fees_come_out_of_what_each_side_receives(ledger: Ledger) -> None:
    book = MatchingBook("BTC/USDT", "BTC", "USDT", ledger, D("0.002"), maker_fee_rate=D("0.001"))
    book.place(limit("bob", "sell", "1", "100"))
    fill = book.place(limit("alice", "buy", "1", "100"))[0]
    assert (fill.taker_fee, fill.maker_fee) == (D("0.002"), D("0.1"))
    assert ledger.free("alice", "BTC") == D("10.998")
    assert ledger.free("bob", "USDT") == D("100099.9")


def test_self_trade_keeps_the_account_whole(book: MatchingBook, ledger: Ledger) -> None:
    book.place(limit("alice", "sell", "1", "100"))
    book.place(limit("alice", "buy", "1", "100"))
    assert ledger.holding("alice", "USDT") == Holding(D(100_000), D(0))
    assert ledger.holding("alice", "BTC") == Holding(D(10), D(0))


def test_depth_aggregates_levels_best_first(book: MatchingBook) -> None:
    for price in ("99", "98", "99"):
        book.place(limit("bob", "buy", "1", price))
    for price in ("101", "102", "101"):
        book.place(limit("bob", "sell", "1", price))
    depth = book.depth(limit=1)
    assert depth.bids == [(D(99), D(2))]
    assert depth.asks == [(D(101), D(2))]


def test_listeners_hear_fills_and_order_updates(book: MatchingBook) -> None:
    fills: list[Fill] = []
    updates: list[tuple[str, str, Decimal]] = []
    book.on_fill(fills.append)
    book.on_order(lambda o: updates.append((o.id, o.status, o.filled)))
    maker = limit("bob", "sell", "1", "100")
    book.place(maker)
    taker = limit("alice", "buy", "1", "100")
    book.place(taker)
    assert len(fills) == 1
    assert updates == [
        (maker.id, "open", D(0)),
        (taker.id, "open", D(0)),
        (maker.id, "filled", D(1)),
        (taker.id, "filled", D(1)),
    ]


def test_fills_are_recorded_on_both_orders(book: MatchingBook) -> None:
    maker = limit("bob", "sell", "1", "100")
    book.place(maker)
    taker = limit("alice", "buy", "1", "100")
    book.place(taker)
    assert maker.fills == taker.fills
    assert maker.fills[0].side_of(maker.id) == "sell"
    assert maker.fills[0].is_maker(maker.id)
