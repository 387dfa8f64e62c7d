"""Exchange directions of the simulated site: one per way of each seed market, priced from its mid."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sandbox.exchanges.common import Seed
from services.exchanges.exchanger.constants import NOT_SET

#: the site's margin on each side of the mid
SPREAD = Decimal("0.01")
PLACES = Decimal("0.00000001")


@dataclass
class Currency:
    id: str
    code: str

    @property
    def title(self) -> str:
        return self.code

    def wire(self) -> dict[str, Any]:
        return {"id": int(self.id), "title": self.title, "logo": f"/logos/{self.code.lower()}.png"}


@dataclass
class SimDirection:
    id: str
    give: Currency
    get: Currency
    course_give: Decimal
    course_get: Decimal
    min_give: Decimal | None = None
    max_give: Decimal | None = None
    merchant: bool = False  # paid through a merchant: pay_bid is disabled, the site sees the money itself
    # the site's commission, a fraction of the "get" amount (0: none, as the seed has it); get_calc
    # shows it as sum_get - sum_get_com and com_get, and a bid pays sum_get_com
    commission: Decimal = Decimal(0)

    @property
    def rate(self) -> Decimal:
        return self.course_get / self.course_give

    def amounts(self, amount: Decimal, action: int) -> tuple[Decimal, Decimal]:
        """(give, get) for ``calc_amount`` read as ``calc_action`` says, before the commission."""
        if action in (2, 4):
            return (amount / self.rate).quantize(PLACES), amount
        return amount, (amount * self.rate).quantize(PLACES, rounding=ROUND_DOWN)

    def after_commission(self, get: Decimal) -> Decimal:
        return (get * (1 - self.commission)).quantize(PLACES, rounding=ROUND_DOWN)

    def summary(self) -> dict[str, Any]:
        return {
            "direction_id": int(self.id),
            "currency_give_id": int(self.give.id),
            "currency_give_title": self.give.title,
            "currency_give_logo": self.give.wire()["logo"],
            "currency_get_id": int(self.get.id),
            "currency_get_title": self.get.title,
            "currency_get_logo": self.get.wire()["logo"],
        }

    def quote(self, reserve: Decimal, give: Decimal, get: Decimal) -> dict[str, Any]:
        return {
            "currency_code_give": self.give.code,
            "currency_code_get": self.get.code,
            "reserve": reserve,
            "course_give": self.course_give,
            "course_get": self.course_get,
            "sum_give": give,
            "sum_give_com": give,
            "sum_get": get,
            "sum_get_com": self.after_commission(get),
            "com_give": "",
            "com_get": f"{format((self.commission * 100).normalize(), 'f')}%" if self.commission else "",
            "min_give": _limit(self.min_give),
            "max_give": _limit(self.max_give),
            "min_get": NOT_SET,
            "max_get": NOT_SET,
        }

    def detail(self, reserve: Decimal, site_url: str) -> dict[str, Any]:
        give, get = self.amounts(Decimal(1), 1)
        return {
            "id": int(self.id),
            "url": f"{site_url}/exchange_{self.give.code}_to_{self.get.code}/",
            **self.quote(reserve, give, get),
            "info": {
                "timeline_text": "Bids are processed within 30 minutes.",
                "frozen_text": "",
                "before_button_text": "",
            },
            "give_fields": [_field("account1", "From account", required=False)],
            "get_fields": [_field("account2", "To account", required=True)],
            "dir_fields": [_field("cf6", "E-mail", required=False)],
        }


def _limit(value: Decimal | None) -> Decimal | str:
    return NOT_SET if value is None else value


def _field(name: str, label: str, *, required: bool) -> dict[str, Any]:
    return {"name": name, "type": "input", "label": label, "req": int(required), "tooltip": "", "cd": 0}


def directions_from(seed: Seed, merchant: frozenset[str] = frozenset()) -> list[SimDirection]:
    """Each seed market BASE/QUOTE gives BASE -> QUOTE and QUOTE -> BASE, ids 1, 2, 3, ... in order."""
    currencies: dict[str, Currency] = {}

    def currency(code: str) -> Currency:
        return currencies.setdefault(code, Currency(str(len(currencies) + 1), code))

    directions: list[SimDirection] = []
    for market in seed.markets:
        base, quote = currency(market.base), currency(market.quote)
        sell = SimDirection(
            str(len(directions) + 1), base, quote, Decimal(1), market.mid * (1 - SPREAD), market.min_amount
        )
        buy = SimDirection(
            str(len(directions) + 2), quote, base, market.mid * (1 + SPREAD), Decimal(1), market.min_cost
        )
        for direction in (sell, buy):
            direction.merchant = direction.id in merchant
            directions.append(direction)
    return directions
