from decimal import Decimal

import pytest

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.ledger import Holding, InsufficientBalance, Ledger
from sandbox.exchanges.common.transfers import SimTransfer, TransferBook, TransferNotPending

D = Decimal


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed()


@pytest.fixture
def ledger() -> Ledger:
    ledger = Ledger()
    ledger.credit("alice", "BTC", D(1))
    return ledger


@pytest.fixture
def transfers(ledger: Ledger, clock: Clock) -> TransferBook:
    return TransferBook(ledger, clock, withdrawal_delay=60)


def withdraw(transfers: TransferBook, amount: str = "0.5", fee: str = "0.001") -> SimTransfer:
    return transfers.request_withdrawal("alice", "BTC", D(amount), "bc1qaddr", fee=D(fee))


def test_withdrawal_is_pending_without_txid_and_holds_amount_plus_fee(
    transfers: TransferBook, ledger: Ledger
) -> None:
    transfer = withdraw(transfers)
    assert (transfer.status, transfer.txid) == ("pending", None)
    assert ledger.holding("alice", "BTC") == Holding(D("0.499"), D("0.501"))


def test_withdrawal_beyond_balance_is_refused(transfers: TransferBook) -> None:
    with pytest.raises(InsufficientBalance):
        withdraw(transfers, amount="1")
    assert transfers.query() == []


def test_withdrawal_gets_txid_once_the_delay_has_passed(
    transfers: TransferBook, clock: Clock, ledger: Ledger
) -> None:
    transfer = withdraw(transfers)
    clock.advance(59)
    assert transfers.get(transfer.id).status == "pending"
    clock.advance(1)
    done = transfers.get(transfer.id)
    assert done.status == "done"
    assert done.txid is not None and len(done.txid) == 64
    assert ledger.holding("alice", "BTC") == Holding(D("0.499"), D(0))


def test_complete_forces_a_pending_withdrawal_now(transfers: TransferBook) -> None:
    transfer = withdraw(transfers)
    transfers.complete(transfer.id)
    assert transfer.status == "done" and transfer.txid


def test_cancel_refunds_amount_and_fee(transfers: TransferBook, ledger: Ledger) -> None:
    transfer = withdraw(transfers)
    transfers.cancel(transfer.id)
    assert transfer.status == "cancelled"
    assert ledger.holding("alice", "BTC") == Holding(D(1), D(0))


def test_a_done_withdrawal_cannot_be_cancelled(transfers: TransferBook) -> None:
    transfer = withdraw(transfers)
    transfers.complete(transfer.id)
    with pytest.raises(TransferNotPending):
        transfers.cancel(transfer.id)


def test_fail_refunds_and_marks_failed(transfers: TransferBook, ledger: Ledger) -> None:
    transfer = withdraw(transfers)
    transfers.fail(transfer.id)
    assert transfer.status == "failed"
    assert ledger.free("alice", "BTC") == D(1)


def test_without_hold_a_withdrawal_leaves_free_at_once(ledger: Ledger, clock: Clock) -> None:
    transfers = TransferBook(ledger, clock, hold_withdrawals=False)
    withdraw(transfers)
    assert ledger.holding("alice", "BTC") == Holding(D("0.499"), D(0))


def test_deposit_without_delay_is_credited_at_once(transfers: TransferBook, ledger: Ledger) -> None:
    deposit = transfers.inject_deposit("alice", "USDT", D(250), "T-addr", "abc123")
    assert (deposit.status, deposit.txid) == ("done", "abc123")
    assert ledger.free("alice", "USDT") == D(250)


def test_delayed_deposit_is_credited_when_done(transfers: TransferBook, ledger: Ledger, clock: Clock) -> None:
    deposit = transfers.inject_deposit("alice", "USDT", D(250), delay=30, required_confirmations=3)
    assert deposit.status == "pending"
    assert ledger.free("alice", "USDT") == D(0)
    clock.advance(30)
    assert transfers.get(deposit.id).confirmations == 3
    assert ledger.free("alice", "USDT") == D(250)


def test_ids_are_unique_and_increasing(transfers: TransferBook) -> None:
    ids = [int(withdraw(transfers, amount="0.1").id) for _ in range(3)]
    ids.append(int(transfers.inject_deposit("alice", "BTC", D(1)).id))
    assert ids == sorted(set(ids))


def test_listeners_hear_creation_and_completion(transfers: TransferBook) -> None:
    seen: list[tuple[str, str]] = []
    transfers.on_change(lambda t: seen.append((t.id, t.status)))
    transfer = withdraw(transfers)
    transfers.complete(transfer.id)
    assert seen == [(transfer.id, "pending"), (transfer.id, "done")]


def test_query_filters_by_account_and_kind(transfers: TransferBook) -> None:
    withdraw(transfers)
    deposit = transfers.inject_deposit("alice", "BTC", D(1))
    transfers.inject_deposit("bob", "BTC", D(1))
    assert transfers.query("alice", kind="deposit") == [deposit]


def test_request_id_finds_the_earlier_withdrawal(transfers: TransferBook) -> None:
    transfer = transfers.request_withdrawal("alice", "BTC", D("0.1"), "addr", request_id="r-1")
    assert transfers.by_request_id("alice", "r-1") is transfer
    assert transfers.by_request_id("bob", "r-1") is None


async def test_background_run_completes_due_withdrawals(ledger: Ledger) -> None:
    import asyncio

    transfers = TransferBook(ledger, Clock(), withdrawal_delay=0.05)
    done: list[str] = []
    transfers.on_change(lambda t: done.append(t.status))
    withdraw(transfers)
    task = asyncio.create_task(transfers.run(interval=0.01))
    await asyncio.sleep(0.2)
    task.cancel()
    assert done == ["pending", "done"]
