"""Deposits and withdrawals: pending, then done with a txid after a delay.

Completion is lazy (every read first completes what is due by the clock), so a test can advance a frozen
clock instead of sleeping; ``run()`` is a background loop that does the same for a live simulator (push
events on time), and ``complete()`` forces one now (control route).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sandbox.exchanges.common.clock import Clock, IdSource
from sandbox.exchanges.common.ledger import Ledger

ZERO = Decimal(0)

TransferKind = Literal["deposit", "withdrawal"]
TransferStatus = Literal["pending", "done", "cancelled", "failed"]
TransferListener = Callable[["SimTransfer"], None]


class TransferNotFound(KeyError):
    pass


class TransferNotPending(Exception):
    def __init__(self, transfer: SimTransfer) -> None:
        super().__init__(f"transfer {transfer.id} is {transfer.status}")
        self.transfer = transfer


@dataclass
class SimTransfer:
    id: str
    kind: TransferKind
    account_id: str
    asset: str
    amount: Decimal
    fee: Decimal
    address: str | None
    memo: str | None
    network: str | None
    status: TransferStatus
    created_at: float
    updated_at: float
    completes_at: float
    txid: str | None = None
    request_id: str | None = None
    confirmations: int = 0
    required_confirmations: int = 0

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


class TransferBook:
    def __init__(
        self,
        ledger: Ledger,
        clock: Clock | None = None,
        ids: IdSource | None = None,
        *,
        withdrawal_delay: float = 2.0,
        deposit_delay: float = 0.0,
        hold_withdrawals: bool = True,
    ) -> None:
        """``hold_withdrawals``: a pending withdrawal sits in ``reserved`` (else it leaves at once)."""
        self.ledger = ledger
        self.clock = clock or Clock()
        self.ids = ids or IdSource()
        self.withdrawal_delay = withdrawal_delay
        self.deposit_delay = deposit_delay
        self.hold_withdrawals = hold_withdrawals
        self._transfers: dict[str, SimTransfer] = {}
        self._listeners: list[TransferListener] = []

    def on_change(self, callback: TransferListener) -> Callable[[], None]:
        """Called when a transfer is created and on each status change."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    # writing ---------------------------------------------------------------------------------------

    def request_withdrawal(
        self,
        account_id: str,
        asset: str,
        amount: Decimal,
        address: str,
        memo: str | None = None,
        network: str | None = None,
        fee: Decimal = ZERO,
        *,
        request_id: str | None = None,
        delay: float | None = None,
    ) -> SimTransfer:
        """Take ``amount + fee`` from the free balance; raises ledger.InsufficientBalance first."""
        if amount <= 0 or fee < 0:
            raise ValueError("a withdrawal needs a positive amount and a non-negative fee")
        if self.hold_withdrawals:
            self.ledger.reserve(account_id, asset, amount + fee)
        else:
            self.ledger.debit(account_id, asset, amount + fee)
        transfer = self._new("withdrawal", account_id, asset, amount, fee, address, memo, network, delay)
        transfer.request_id = request_id
        return self._created(transfer)

    def inject_deposit(
        self,
        account_id: str,
        asset: str,
        amount: Decimal,
        address: str | None = None,
        txid: str | None = None,
        *,
        memo: str | None = None,
        network: str | None = None,
        delay: float | None = None,
        required_confirmations: int = 0,
    ) -> SimTransfer:
        """A deposit arriving; it credits the ledger when done (at once unless a delay applies)."""
        if amount <= 0:
            raise ValueError("a deposit needs a positive amount")
        transfer = self._new("deposit", account_id, asset, amount, ZERO, address, memo, network, delay)
        transfer.txid = txid or _txid(transfer)
        transfer.required_confirmations = required_confirmations
        return self._created(transfer)

    def complete(self, transfer_id: str) -> SimTransfer:
        """Finish a pending transfer now: a withdrawal leaves and gets its txid, a deposit is credited."""
        transfer = self._pending(transfer_id)
        if transfer.kind == "withdrawal":
            if self.hold_withdrawals:
                self.ledger.settle_reserved(
                    transfer.account_id, transfer.asset, transfer.amount + transfer.fee
                )
            transfer.txid = transfer.txid or _txid(transfer)
        else:
            self.ledger.credit(transfer.account_id, transfer.asset, transfer.amount)
        transfer.confirmations = transfer.required_confirmations
        return self._set_status(transfer, "done")

    def complete_due(self) -> list[SimTransfer]:
        now = self.clock.now()
        due = [t for t in self._transfers.values() if t.is_pending and t.completes_at <= now]
        return [self.complete(t.id) for t in sorted(due, key=lambda t: (t.completes_at, int(t.id)))]

    def complete_all(self) -> list[SimTransfer]:
        pending = [t for t in self._transfers.values() if t.is_pending]
        return [self.complete(t.id) for t in pending]

    def cancel(self, transfer_id: str) -> SimTransfer:
        """Cancel a pending withdrawal and refund it (fee included)."""
        return self._set_status(self._refund(transfer_id), "cancelled")

    def fail(self, transfer_id: str) -> SimTransfer:
        """The network rejected a pending withdrawal: refund it and mark it failed."""
        return self._set_status(self._refund(transfer_id), "failed")

    async def run(self, interval: float = 0.1) -> None:
        """Complete due transfers as time passes (for listeners that push events); cancel to stop."""
        while True:
            self.complete_due()
            await asyncio.sleep(interval)

    # reading ---------------------------------------------------------------------------------------

    def get(self, transfer_id: str) -> SimTransfer:
        self.complete_due()
        try:
            return self._transfers[transfer_id]
        except KeyError:
            raise TransferNotFound(transfer_id) from None

    def query(
        self, account_id: str | None = None, kind: TransferKind | None = None, asset: str | None = None
    ) -> list[SimTransfer]:
        """Oldest first."""
        self.complete_due()
        return [
            t
            for t in self._transfers.values()
            if (account_id is None or t.account_id == account_id)
            and (kind is None or t.kind == kind)
            and (asset is None or t.asset == asset)
        ]

    def by_request_id(self, account_id: str, request_id: str) -> SimTransfer | None:
        """The withdrawal an account already made with this idempotency key, if any."""
        for transfer in self._transfers.values():
            if transfer.account_id == account_id and transfer.request_id == request_id:
                return transfer
        return None

    # internals -------------------------------------------------------------------------------------

    def _new(
        self,
        kind: TransferKind,
        account_id: str,
        asset: str,
        amount: Decimal,
        fee: Decimal,
        address: str | None,
        memo: str | None,
        network: str | None,
        delay: float | None,
    ) -> SimTransfer:
        now = self.clock.now()
        if delay is None:
            delay = self.withdrawal_delay if kind == "withdrawal" else self.deposit_delay
        return SimTransfer(
            id=self.ids.next_str("transfer"),
            kind=kind,
            account_id=account_id,
            asset=asset,
            amount=amount,
            fee=fee,
            address=address,
            memo=memo,
            network=network,
            status="pending",
            created_at=now,
            updated_at=now,
            completes_at=now + delay,
        )

    def _created(self, transfer: SimTransfer) -> SimTransfer:
        self._transfers[transfer.id] = transfer
        self._notify(transfer)
        if transfer.completes_at <= transfer.created_at:
            self.complete(transfer.id)
        return transfer

    def _pending(self, transfer_id: str) -> SimTransfer:
        try:
            transfer = self._transfers[transfer_id]
        except KeyError:
            raise TransferNotFound(transfer_id) from None
        if not transfer.is_pending:
            raise TransferNotPending(transfer)
        return transfer

    def _refund(self, transfer_id: str) -> SimTransfer:
        transfer = self._pending(transfer_id)
        if transfer.kind != "withdrawal":
            raise TransferNotPending(transfer)
        total = transfer.amount + transfer.fee
        if self.hold_withdrawals:
            self.ledger.release(transfer.account_id, transfer.asset, total)
        else:
            self.ledger.credit(transfer.account_id, transfer.asset, total)
        return transfer

    def _set_status(self, transfer: SimTransfer, status: TransferStatus) -> SimTransfer:
        transfer.status = status
        transfer.updated_at = self.clock.now()
        self._notify(transfer)
        return transfer

    def _notify(self, transfer: SimTransfer) -> None:
        for listener in list(self._listeners):
            listener(transfer)


def _txid(transfer: SimTransfer) -> str:
    seed = f"{transfer.kind}:{transfer.id}:{transfer.account_id}:{transfer.asset}:{transfer.amount}"
    return hashlib.sha256(seed.encode()).hexdigest()
