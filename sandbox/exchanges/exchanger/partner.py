"""The partner (affiliate) side of each account: balance, referral links, payouts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sandbox.exchanges.common import Clock, IdSource
from services.exchanges.exchanger.models import BidStatus

from .bids import SimBid
from .directions import Currency

REWARD_RATE = Decimal("0.005")  # of what the client receives, once the bid succeeds


@dataclass
class SimPayout:
    id: str
    account: str
    created_at: float
    currency: Currency
    destination: str
    amount: Decimal
    status: int = 0  # 0 pending, 1 paid, 2 canceled

    def wire(self) -> dict[str, Any]:
        return {
            "id": int(self.id),
            "time": int(self.created_at),
            "date": "",
            "method_id": int(self.currency.id),
            "account": self.destination,
            "pay_amount": self.amount,
            "pay_currency_code": self.currency.code,
            "original_amount": self.amount,
            "original_currency_code": self.currency.code,
            "status": self.status,
        }


@dataclass
class Partner:
    partner_id: str
    balance: Decimal
    links: list[dict[str, Any]] = field(default_factory=list)


class PartnerBook:
    def __init__(
        self, accounts: list[str], payout_currency: Currency, clock: Clock, ids: IdSource, balance: Decimal
    ) -> None:
        self.payout_currency = payout_currency
        self.min_payout = Decimal(10)
        self._clock = clock
        self._ids = ids
        self.payouts: list[SimPayout] = []
        now = int(clock.now())
        self.partners = {
            name: Partner(
                str(index + 1),
                balance,
                [
                    {
                        "time": now - 3600,
                        "date": "",
                        "browser": "Mozilla/5.0",
                        "ip": "198.51.100.4",
                        "referrer": "https://forum.example/thread",
                        "user_hash": f"visitor-{index + 1}",
                        "query_string": f"rid={index + 1}",
                    }
                ],
            )
            for index, name in enumerate(accounts)
        }

    def info(self, account: str) -> dict[str, Any]:
        partner = self.partners[account]
        return {
            "partner_id": int(partner.partner_id),
            "balance": partner.balance,
            "min_payout": self.min_payout,
            "items": [{**self.payout_currency.wire(), "commission": "0", "amount": partner.balance}],
        }

    def exchange(self, bid: SimBid) -> dict[str, Any]:
        item = bid.record(with_history=True)
        del item["api_id"]
        reward = (bid.amount_get * REWARD_RATE).quantize(Decimal("0.00000001"))
        return {
            **item,
            "accrued": int(bid.status is BidStatus.SUCCESS),
            "partner_reward": reward,
        }

    def request_payout(self, account: str, currency: Currency, destination: str) -> SimPayout:
        partner = self.partners[account]
        payout = SimPayout(
            self._ids.next_str("payout"), account, self._clock.now(), currency, destination, partner.balance
        )
        partner.balance = Decimal(0)
        self.payouts.append(payout)
        return payout
