"""One handler per API method: reads the form, answers the document's data shape or raises SiteError."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.exchanges.common import InsufficientBalance
from services.exchanges.exchanger import constants as c

from .bids import SimBid
from .directions import SimDirection
from .state import ExchangerSite
from .wire import SiteError, fields_error


@dataclass(frozen=True)
class Call:
    site: ExchangerSite
    account: str
    form: dict[str, str]
    site_url: str
    ip: str
    locale: str  # API-LANG forces the site language

    def text(self, name: str) -> str:
        return self.form.get(name, "").strip()


def _direction(call: Call) -> SimDirection:
    direction = call.site.directions.get(call.text("direction_id"))
    if direction is None or direction.id in call.site.refused:
        raise SiteError(c.DIRECTION_NOT_FOUND)
    return direction


def _amount(call: Call) -> tuple[Decimal, int]:
    try:
        amount = Decimal(call.text("calc_amount"))
        action = int(call.text("calc_action") or 1)
    except (InvalidOperation, ValueError):
        raise fields_error(calc_amount="enter a number") from None
    if not amount.is_finite() or amount <= 0 or action not in (1, 2, 3, 4):
        raise fields_error(calc_amount="enter a positive amount")
    return amount, action


def _limit_hint(direction: SimDirection, give: Decimal) -> str | None:
    code = direction.give.code
    if direction.min_give is not None and give < direction.min_give:
        return f"min.: {direction.min_give} {code}"
    if direction.max_give is not None and give > direction.max_give:
        return f"max.: {direction.max_give} {code}"
    return None


def _time_filter(call: Call, bids: list[SimBid]) -> list[SimBid]:
    start, end = call.text("start_time"), call.text("end_time")
    if start.isdigit():
        bids = [b for b in bids if b.changed_at >= int(start)]
    if end.isdigit():
        bids = [b for b in bids if b.changed_at <= int(end)]
    if call.text("ip"):
        bids = [b for b in bids if b.user_ip == call.text("ip")]
    if call.text("id"):
        bids = [b for b in bids if b.id == call.text("id")]
    return bids


def _page(call: Call, items: list[Any]) -> list[Any]:
    offset = int(call.text("offset")) if call.text("offset").isdigit() else 0
    limit = int(call.text("limit")) if call.text("limit").isdigit() else None
    return items[offset:][:limit] if limit is not None else items[offset:]


# -- methods ------------------------------------------------------------------------------------------


def test(call: Call) -> Any:
    partner = call.site.partners.partners[call.account]
    return {
        "ip": call.ip,
        "user_id": int(partner.partner_id),
        "locale": call.locale,
        "partner_id": int(partner.partner_id),
    }


def _matching(call: Call) -> list[SimDirection]:
    give, get = call.text("currency_id_give"), call.text("currency_id_get")
    return [
        d
        for d in call.site.directions.values()
        if (not give or d.give.id == give) and (not get or d.get.id == get)
    ]


def get_direction_currencies(call: Call) -> Any:
    directions = _matching(call)
    give = {d.give.id: d.give.wire() for d in directions}
    get = {d.get.id: d.get.wire() for d in directions}
    return {"give": list(give.values()), "get": list(get.values())}


def get_directions(call: Call) -> Any:
    return [d.summary() for d in _matching(call)]


def get_direction(call: Call) -> Any:
    direction = _direction(call)
    return direction.detail(call.site.reserve(direction), call.site_url)


def get_calc(call: Call) -> Any:
    direction = _direction(call)
    amount, action = _amount(call)
    give, get = direction.amounts(amount, action)
    changed = False
    bounded = give
    if direction.min_give is not None:
        bounded = max(bounded, direction.min_give)
    if direction.max_give is not None:
        bounded = min(bounded, direction.max_give)
    if bounded != give:  # the calculator moves the amount into the limits and says so
        give, get = direction.amounts(bounded, 1)
        changed = True
    return {**direction.quote(call.site.reserve(direction), give, get), "changed": int(changed)}


def create_bid(call: Call) -> Any:
    site = call.site
    api_id = call.text("api_id")
    existing = site.bids.by_api_id(call.account, api_id) if api_id else None
    if existing is not None:  # the same api_id is the same bid
        return existing.info(call.site_url)
    direction = _direction(call)
    amount, action = _amount(call)
    give, get = direction.amounts(amount, action)
    get = direction.after_commission(get)
    problems: dict[str, str] = {}
    if (hint := _limit_hint(direction, give)) is not None:
        problems["calc_amount"] = hint
    elif get > site.reserve(direction):
        problems["calc_amount"] = f"max.: {site.reserve(direction)} {direction.get.code} (reserve)"
    if not call.text("account2"):
        problems["account2"] = "required field"
    if problems:
        raise fields_error(**problems)
    extra_fields = {k: v for k, v in call.form.items() if k.startswith(("cf", "account"))}
    try:
        bid = site.bids.create(
            call.account,
            direction,
            give,
            get,
            api_id=api_id,
            user_ip=call.ip,
            callback_url=call.text("callback_url"),
            partner_id=call.text("partner_id"),
            fields=extra_fields,
        )
    except InsufficientBalance:
        raise fields_error(calc_amount=f"max.: {site.reserve(direction)} {direction.get.code}") from None
    return bid.info(call.site_url)


def _bid(call: Call) -> SimBid:
    bid = call.site.bids.find(call.account, call.text("id"), call.text("hash"))
    if bid is None:
        raise SiteError(c.NO_BID_EXISTS)
    return bid


def bid_info(call: Call) -> Any:
    return _bid(call).info(call.site_url)


def cancel_bid(call: Call) -> Any:
    bid = _bid(call)
    call.site.bids.cancel(bid)
    return bid.status.value


def pay_bid(call: Call) -> Any:
    bid = _bid(call)
    call.site.bids.pay(bid)
    return bid.status.value


def success_bid(call: Call) -> Any:
    bid = _bid(call)
    call.site.bids.succeed(bid)
    return bid.status.value


def get_exchanges(call: Call) -> Any:
    bids = [b for b in call.site.bids.bids.values() if b.account == call.account]
    if call.text("api_id"):
        bids = [b for b in bids if b.api_id == call.text("api_id")]
    history = call.text("status_history") == "1"
    return {"items": _page(call, [b.record(with_history=history) for b in _time_filter(call, bids)])}


def get_partner_info(call: Call) -> Any:
    return call.site.partners.info(call.account)


def get_partner_links(call: Call) -> Any:
    return {"items": _page(call, call.site.partners.partners[call.account].links)}


def get_partner_exchanges(call: Call) -> Any:
    partner_id = call.site.partners.partners[call.account].partner_id
    bids = [b for b in call.site.bids.bids.values() if b.partner_id == partner_id]
    items = [call.site.partners.exchange(b) for b in _time_filter(call, bids)]
    if call.text("status_history") != "1":
        items = [{k: v for k, v in item.items() if k != "statuses"} for item in items]
    return {"items": _page(call, items)}


def get_partner_payouts(call: Call) -> Any:
    payouts = [p for p in call.site.partners.payouts if p.account == call.account]
    if call.text("id"):
        payouts = [p for p in payouts if p.id == call.text("id")]
    return {"items": _page(call, [p.wire() for p in payouts])}


def add_partner_payout(call: Call) -> Any:
    partners = call.site.partners
    currency = call.site.currencies().get(call.text("method_id"))
    problems: dict[str, str] = {}
    if currency is None or currency.id != partners.payout_currency.id:
        problems["method_id"] = "choose a payout currency"
    if not call.text("account"):
        problems["account"] = "required field"
    balance = partners.partners[call.account].balance
    if balance < partners.min_payout:
        problems["amount"] = f"min.: {partners.min_payout} (balance {balance})"
    if problems or currency is None:
        raise fields_error(**problems)
    return {"payout_id": int(partners.request_payout(call.account, currency, call.text("account")).id)}


Handler = Callable[[Call], Any]

HANDLERS: dict[str, Handler] = {
    c.TEST: test,
    c.GET_DIRECTION_CURRENCIES: get_direction_currencies,
    c.GET_DIRECTIONS: get_directions,
    c.GET_DIRECTION: get_direction,
    c.GET_CALC: get_calc,
    c.GET_EXCHANGES: get_exchanges,
    c.CREATE_BID: create_bid,
    c.CANCEL_BID: cancel_bid,
    c.PAY_BID: pay_bid,
    c.SUCCESS_BID: success_bid,
    c.BID_INFO: bid_info,
    c.GET_PARTNER_INFO: get_partner_info,
    c.GET_PARTNER_LINKS: get_partner_links,
    c.GET_PARTNER_EXCHANGES: get_partner_exchanges,
    c.GET_PARTNER_PAYOUTS: get_partner_payouts,
    c.ADD_PARTNER_PAYOUT: add_partner_payout,
}

#: the seed permission a key needs for a method (the site's "methods available" per key)
PERMISSION = {method: "view" for method in HANDLERS} | {
    c.CREATE_BID: "trade",
    c.CANCEL_BID: "trade",
    c.PAY_BID: "trade",
    c.SUCCESS_BID: "trade",
    c.ADD_PARTNER_PAYOUT: "withdraw",
}
