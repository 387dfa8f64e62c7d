"""Bids of the simulated site: creation with api_id idempotency, statuses over time, the site's reserve.

The site's reserve lives in the core ledger under SITE: a bid reserves what the site will pay out; the
payout settles it and the site keeps what the client gave; a cancel releases it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sandbox.exchanges.common import Clock, IdSource, Ledger
from services.exchanges.exchanger.constants import ACTION_API, ACTION_DISABLED, CANCELLABLE_STATUSES
from services.exchanges.exchanger.models import BidStatus

from .directions import SimDirection

SITE = "exchanger-site"

PAYABLE = frozenset({BidStatus.NEW, BidStatus.COLDNEW, BidStatus.TECHPAY})
COMPLETABLE = frozenset({BidStatus.PAYED, BidStatus.COLDPAY, BidStatus.REALPAY, BidStatus.VERIFY})
RELEASES = frozenset({BidStatus.CANCEL, BidStatus.DELETE, BidStatus.ERROR})

TITLES = {
    BidStatus.NEW: "New bid",
    BidStatus.PAYED: "Paid bid",
    BidStatus.SUCCESS: "Completed bid",
    BidStatus.CANCEL: "Canceled bid",
    BidStatus.DELETE: "Deleted bid",
}


@dataclass
class SimBid:
    id: str
    hash: str
    api_id: str
    account: str
    direction: SimDirection
    amount_give: Decimal
    amount_get: Decimal
    course_give: Decimal
    course_get: Decimal
    created_at: float
    user_ip: str = ""
    callback_url: str = ""
    partner_id: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    status: BidStatus = BidStatus.NEW
    history: list[tuple[float, BidStatus]] = field(default_factory=list)

    @property
    def changed_at(self) -> float:
        return self.history[-1][0]

    def actions(self) -> dict[str, Any]:
        merchant = self.direction.merchant
        return {
            "type": "merchant" if merchant else "address",
            "cancel": ACTION_API if self.status.is_cancellable else ACTION_DISABLED,
            "pay": f"/merchant/pay/{self.hash}" if merchant else ACTION_API,
            "instruction": f"Send {self.amount_give} {self.direction.give.code}",
            "pay_amount": self.amount_give,
        }

    def info(self, site_url: str) -> dict[str, Any]:
        """The shape of create_bid and bid_info."""
        return {
            "url": f"{site_url}/hst_{self.hash}/",
            "id": int(self.id),
            "hash": self.hash,
            "status": self.status.value,
            "status_title": TITLES.get(self.status, self.status.value),
            "psys_give": self.direction.give.title,
            "psys_get": self.direction.get.title,
            "currency_code_give": self.direction.give.code,
            "currency_code_get": self.direction.get.code,
            "amount_give": self.amount_give,
            "amount_get": self.amount_get,
            "api_actions": self.actions(),
        }

    def record(self, *, with_history: bool) -> dict[str, Any]:
        """The shape of a get_exchanges / get_partner_exchanges item."""
        item: dict[str, Any] = {
            "id": int(self.id),
            "api_id": self.api_id,
            "time": int(self.changed_at),
            "date": _date(self.changed_at),
            "psys_give": self.direction.give.title,
            "psys_get": self.direction.get.title,
            "currency_code_give": self.direction.give.code,
            "currency_code_get": self.direction.get.code,
            "course_give": self.course_give,
            "course_get": self.course_get,
            "amount_give": self.amount_give,
            "amount_get": self.amount_get,
            "exchange_success": int(self.status is BidStatus.SUCCESS),
            "user_hash": self.account,
            "user_ip": self.user_ip,
            "status": self.status.value,
        }
        if with_history:
            item["statuses"] = [
                {"time": int(t), "date": _date(t), "status": s.value} for t, s in self.history
            ]
        return item


def _date(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%d.%m.%Y %H:%M")


Listener = Callable[[SimBid], None]


class BidBook:
    """All bids; moves them through statuses when told or when their time comes."""

    def __init__(
        self,
        ledger: Ledger,
        clock: Clock,
        ids: IdSource,
        *,
        pay_delay: float | None = None,
        payout_delay: float | None = 5.0,
        expire_after: float | None = None,
    ) -> None:
        self._ledger = ledger
        self._clock = clock
        self._ids = ids
        self.pay_delay = pay_delay  # merchant directions: new -> payed by itself
        self.payout_delay = payout_delay  # payed -> success by itself
        self.expire_after = expire_after  # unpaid new -> delete
        self.bids: dict[str, SimBid] = {}
        self._listeners: list[Listener] = []

    def on_change(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def by_api_id(self, account: str, api_id: str) -> SimBid | None:
        return next((b for b in self.bids.values() if b.account == account and b.api_id == api_id), None)

    def find(self, account: str, bid_id: str = "", bid_hash: str = "") -> SimBid | None:
        bid = self.bids.get(bid_id) if bid_id else None
        if bid is None and bid_hash:
            bid = next((b for b in self.bids.values() if b.hash == bid_hash), None)
        if bid is None or bid.account != account or (bid_hash and bid.hash != bid_hash):
            return None
        return bid

    def create(
        self, account: str, direction: SimDirection, give: Decimal, get: Decimal, **extra: Any
    ) -> SimBid:
        """Reserves the payout from the site's reserve (InsufficientBalance when it is short)."""
        self._ledger.reserve(SITE, direction.get.code, get)
        now = self._clock.now()
        bid = SimBid(
            id=self._ids.next_str("bid"),
            hash=secrets.token_hex(16),
            account=account,
            direction=direction,
            amount_give=give,
            amount_get=get,
            course_give=direction.course_give,
            course_get=direction.course_get,
            created_at=now,
            history=[(now, BidStatus.NEW)],
            **extra,
        )
        self.bids[bid.id] = bid
        return bid

    def move(self, bid: SimBid, status: BidStatus) -> None:
        if bid.status.is_final or status == bid.status:
            return
        if status is BidStatus.SUCCESS:
            self._ledger.settle_reserved(SITE, bid.direction.get.code, bid.amount_get)
            self._ledger.credit(SITE, bid.direction.give.code, bid.amount_give)
        elif status in RELEASES:
            self._ledger.release(SITE, bid.direction.get.code, bid.amount_get)
        bid.status = status
        bid.history.append((self._clock.now(), status))
        for listener in self._listeners:
            listener(bid)

    def cancel(self, bid: SimBid) -> None:
        if bid.status.value in CANCELLABLE_STATUSES:
            self.move(bid, BidStatus.CANCEL)

    def pay(self, bid: SimBid) -> None:
        if not bid.direction.merchant and bid.status in PAYABLE:
            self.move(bid, BidStatus.PAYED)

    def succeed(self, bid: SimBid) -> None:
        if bid.status in COMPLETABLE:
            self.move(bid, BidStatus.SUCCESS)

    def advance_due(self) -> None:
        now = self._clock.now()
        for bid in list(self.bids.values()):
            waited = now - bid.changed_at
            if bid.status is BidStatus.NEW and bid.direction.merchant and _due(self.pay_delay, waited):
                self.move(bid, BidStatus.PAYED)
            elif bid.status is BidStatus.NEW and _due(self.expire_after, waited):
                self.move(bid, BidStatus.DELETE)
            elif bid.status is BidStatus.PAYED and _due(self.payout_delay, waited):
                self.move(bid, BidStatus.SUCCESS)


def _due(delay: float | None, waited: float) -> bool:
    return delay is not None and waited >= delay
