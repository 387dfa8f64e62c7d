"""Balances of every account on one simulated exchange: free and reserved per (account, asset).

Every change goes through one method that checks the invariant (nothing ever negative) and then tells the
listeners, so a simulator that pushes balance events (Narkasa's user stream) cannot miss one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)

BalanceListener = Callable[[str, str, Decimal, Decimal], None]
"""``callback(account_id, asset, free, reserved)`` with the values after the change."""


class InsufficientBalance(Exception):
    def __init__(self, account_id: str, asset: str, needed: Decimal, available: Decimal) -> None:
        super().__init__(f"{account_id} has {available} {asset} available, needs {needed}")
        self.account_id = account_id
        self.asset = asset
        self.needed = needed
        self.available = available


@dataclass(frozen=True)
class Holding:
    free: Decimal = ZERO
    reserved: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.free + self.reserved


def _positive(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError(f"amounts are Decimal, got {type(amount).__name__}")
    if amount < 0:
        raise ValueError(f"amount must not be negative: {amount}")
    return amount


class Ledger:
    def __init__(self) -> None:
        self._holdings: dict[tuple[str, str], Holding] = {}
        self._listeners: list[BalanceListener] = []

    def on_change(self, callback: BalanceListener) -> Callable[[], None]:
        """Call ``callback`` after every change; returns a function that unsubscribes it."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def holding(self, account_id: str, asset: str) -> Holding:
        return self._holdings.get((account_id, asset), Holding())

    def free(self, account_id: str, asset: str) -> Decimal:
        return self.holding(account_id, asset).free

    def reserved(self, account_id: str, asset: str) -> Decimal:
        return self.holding(account_id, asset).reserved

    def balances(self, account_id: str) -> dict[str, Holding]:
        """Every asset the account has ever held, sorted by asset (zero balances included)."""
        return {asset: h for (acc, asset), h in sorted(self._holdings.items()) if acc == account_id}

    def accounts(self) -> list[str]:
        return sorted({acc for acc, _ in self._holdings})

    def credit(self, account_id: str, asset: str, amount: Decimal) -> None:
        self._apply(account_id, asset, _positive(amount), ZERO)

    def debit(self, account_id: str, asset: str, amount: Decimal) -> None:
        """Take ``amount`` out of the free balance; raises InsufficientBalance and changes nothing."""
        self._apply(account_id, asset, -_positive(amount), ZERO)

    def reserve(self, account_id: str, asset: str, amount: Decimal) -> None:
        """Move free -> reserved (an open order, a pending withdrawal)."""
        amount = _positive(amount)
        self._apply(account_id, asset, -amount, amount)

    def release(self, account_id: str, asset: str, amount: Decimal) -> None:
        """Move reserved -> free (a cancel, the unused part of a reserve)."""
        amount = _positive(amount)
        self._apply(account_id, asset, amount, -amount)

    def settle_reserved(self, account_id: str, asset: str, amount: Decimal) -> None:
        """Spend from the reserved balance (a fill, a withdrawal leaving)."""
        self._apply(account_id, asset, ZERO, -_positive(amount))

    def set_free(self, account_id: str, asset: str, free: Decimal) -> None:
        """Overwrite the free balance (control route); reserved funds stay as they are."""
        current = self.holding(account_id, asset)
        self._apply(account_id, asset, _positive(free) - current.free, ZERO)

    def _apply(self, account_id: str, asset: str, free_delta: Decimal, reserved_delta: Decimal) -> None:
        current = self.holding(account_id, asset)
        free = current.free + free_delta
        reserved = current.reserved + reserved_delta
        if free < 0:
            raise InsufficientBalance(account_id, asset, -free_delta, current.free)
        if reserved < 0:
            raise InsufficientBalance(account_id, asset, -reserved_delta, current.reserved)
        self._holdings[(account_id, asset)] = Holding(free, reserved)
        for listener in list(self._listeners):
            listener(account_id, asset, free, reserved)
