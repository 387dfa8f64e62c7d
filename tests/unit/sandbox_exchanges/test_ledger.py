from decimal import Decimal

import pytest

from sandbox.exchanges.common.ledger import Holding, InsufficientBalance, Ledger

D = Decimal


@pytest.fixture
def ledger() -> Ledger:
    ledger = Ledger()
    ledger.credit("alice", "USDT", D(100))
    return ledger


def test_credit_adds_to_free(ledger: Ledger) -> None:
    ledger.credit("alice", "USDT", D("0.5"))
    assert ledger.holding("alice", "USDT") == Holding(D("100.5"), D(0))


def test_debit_beyond_free_raises_and_changes_nothing(ledger: Ledger) -> None:
    with pytest.raises(InsufficientBalance) as caught:
        ledger.debit("alice", "USDT", D("100.01"))
    assert (caught.value.needed, caught.value.available) == (D("100.01"), D(100))
    assert ledger.free("alice", "USDT") == D(100)


def test_reserve_moves_free_to_reserved(ledger: Ledger) -> None:
    ledger.reserve("alice", "USDT", D(30))
    assert ledger.holding("alice", "USDT") == Holding(D(70), D(30))
    assert ledger.holding("alice", "USDT").total == D(100)


def test_reserve_beyond_free_raises(ledger: Ledger) -> None:
    ledger.reserve("alice", "USDT", D(60))
    with pytest.raises(InsufficientBalance):
        ledger.reserve("alice", "USDT", D(41))
    assert ledger.holding("alice", "USDT") == Holding(D(40), D(60))


def test_release_returns_reserved_to_free(ledger: Ledger) -> None:
    ledger.reserve("alice", "USDT", D(30))
    ledger.release("alice", "USDT", D(10))
    assert ledger.holding("alice", "USDT") == Holding(D(80), D(20))


def test_release_more_than_reserved_raises(ledger: Ledger) -> None:
    ledger.reserve("alice", "USDT", D(30))
    with pytest.raises(InsufficientBalance):
        ledger.release("alice", "USDT", D(31))


def test_settle_reserved_spends_reserved_only(ledger: Ledger) -> None:
    ledger.reserve("alice", "USDT", D(30))
    ledger.settle_reserved("alice", "USDT", D(30))
    assert ledger.holding("alice", "USDT") == Holding(D(70), D(0))


def test_settle_more_than_reserved_raises(ledger: Ledger) -> None:
    with pytest.raises(InsufficientBalance):
        ledger.settle_reserved("alice", "USDT", D(1))


def test_negative_amounts_are_refused(ledger: Ledger) -> None:
    with pytest.raises(ValueError):
        ledger.credit("alice", "USDT", D(-1))


def test_float_amounts_are_refused(ledger: Ledger) -> None:
    with pytest.raises(TypeError):
        ledger.credit("alice", "USDT", 1.5)  # type: ignore[arg-type]


def test_set_free_keeps_reserved(ledger: Ledger) -> None:
    ledger.reserve("alice", "USDT", D(30))
    ledger.set_free("alice", "USDT", D(5))
    assert ledger.holding("alice", "USDT") == Holding(D(5), D(30))


def test_balances_lists_only_that_account(ledger: Ledger) -> None:
    ledger.credit("bob", "BTC", D(1))
    ledger.credit("alice", "BTC", D(2))
    assert list(ledger.balances("alice")) == ["BTC", "USDT"]
    assert ledger.accounts() == ["alice", "bob"]


def test_listeners_hear_every_change_with_values_after_it(ledger: Ledger) -> None:
    seen: list[tuple[str, str, Decimal, Decimal]] = []
    ledger.on_change(lambda *event: seen.append(event))
    ledger.reserve("alice", "USDT", D(10))
    ledger.settle_reserved("alice", "USDT", D(10))
    assert seen == [("alice", "USDT", D(90), D(10)), ("alice", "USDT", D(90), D(0))]


def test_a_refused_change_is_not_announced(ledger: Ledger) -> None:
    seen: list[object] = []
    ledger.on_change(lambda *event: seen.append(event))
    with pytest.raises(InsufficientBalance):
        ledger.debit("alice", "USDT", D(1000))
    assert seen == []


def test_unsubscribed_listener_hears_nothing(ledger: Ledger) -> None:
    seen: list[object] = []
    unsubscribe = ledger.on_change(lambda *event: seen.append(event))
    unsubscribe()
    ledger.credit("alice", "USDT", D(1))
    assert seen == []
