"""Bids on exchanger sites from chat: a preview from the site's calculator, then the bid created once.

/bid ACCOUNT DIRECTION AMOUNT -> the direction is found (by id or currency codes), the amount checked
against its limits, ``get_calc`` asked what the site would pay -> preview with Confirm/Cancel -> the
action engine sends ``create_bid`` once, with the action's idempotency key as the bid's ``api_id``.
A bid whose ``api_actions.cancel`` is "api" can be cancelled the same way.

A bid whose outcome is unknown is found by its ``api_id`` (the site lists a bid created with it, or none
was); a cancel whose outcome is unknown by the bid's status (cancelled, or not).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from services.actions.engine import Executed
from services.actions.lookup import Lookup, Verdict, too_early
from services.actions.records import Action, wire_text
from services.actions.store import ActionStore
from services.audit import AuditLog
from services.exchanger_desk import ExchangerDesk
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.exchanger.models import Bid, BidStatus, Calc, Direction

BID = "bid"
BID_CANCEL = "bid_cancel"
#: the field of a direction that holds where the site pays out
PAYOUT_FIELD = "account2"


class BidProblem(StrEnum):
    AMOUNT_TOO_SMALL = "amount_too_small"
    AMOUNT_TOO_LARGE = "amount_too_large"
    RESERVE = "reserve"  # the site could not pay this much out now
    PAYOUT_MISSING = "payout_missing"  # the direction needs to= (where the site pays)
    NOT_CANCELLABLE = "not_cancellable"


class BidRejected(ValueError):
    def __init__(self, problem: BidProblem, *, limit: Decimal | None = None, asset: str = "") -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.limit = limit
        self.asset = asset


@dataclass(frozen=True, slots=True)
class BidRequest:
    account: str
    direction: str  # an id or currency codes, as typed
    amount: Decimal  # what the team gives
    payout: str | None = None  # the direction's "to account" field


@dataclass(frozen=True, slots=True)
class SiteFee:
    amount: Decimal
    code: str
    text: str = ""  # the site's own words for it (com_give / com_get), e.g. "0.5%"


@dataclass(frozen=True, slots=True)
class BidPreviewed:
    direction: Direction
    calc: Calc
    action_id: str
    token: str

    @property
    def fees(self) -> list[SiteFee] | None:
        """The site's commission as its calculator states it: on the give side (sum_give_com over
        sum_give) and the get side (sum_get over sum_get_com); None when it states neither."""
        c = self.calc
        give = (c.sum_give, c.sum_give_com, c.give_code or self.direction.give_code, c.com_give)
        get = (c.sum_get_com, c.sum_get, c.get_code or self.direction.get_code, c.com_get)
        stated = [
            (low, high, code, text)
            for low, high, code, text in (give, get)
            if low is not None and high is not None
        ]
        if not stated:
            return None
        return [SiteFee(high - low, code, text) for low, high, code, text in stated if high > low]


@dataclass(frozen=True, slots=True)
class BidCancelPreviewed:
    bid: Bid
    action_id: str
    token: str


class BidDesk:
    def __init__(
        self,
        exchanger: ExchangerDesk,
        store: ActionStore,
        audit: AuditLog,
        *,
        confirm_ttl_s: float,
        callback_url: Callable[[str], str | None] = lambda account: None,
    ) -> None:
        """``callback_url``: where the site is asked to post an account's bid status changes (None: the
        bid tracker polls only)."""
        self._exchanger = exchanger
        self._store = store
        self._audit = audit
        self._confirm_ttl_s = confirm_ttl_s
        self._callback_url = callback_url

    def _client(self, account: str) -> ExchangerClient:
        client = self._exchanger.sites(account)[0].client
        assert isinstance(client, ExchangerClient)
        return client

    async def preview(self, member_id: int, chat_id: int, request: BidRequest) -> BidPreviewed:
        """Raises UnknownPair (no such direction), BidRejected, or an exchange error; nothing is written."""
        direction = await self._exchanger.direction(request.account, request.direction)
        code = direction.give_code.upper()
        if direction.min_give is not None and request.amount < direction.min_give:
            raise BidRejected(BidProblem.AMOUNT_TOO_SMALL, limit=direction.min_give, asset=code)
        if direction.max_give is not None and request.amount > direction.max_give:
            raise BidRejected(BidProblem.AMOUNT_TOO_LARGE, limit=direction.max_give, asset=code)
        needs_payout = any(f.name == PAYOUT_FIELD and f.required for f in direction.get_fields)
        if needs_payout and not request.payout:
            raise BidRejected(BidProblem.PAYOUT_MISSING, asset=direction.get_code.upper())
        calc = await self._client(request.account).get_calc(direction.id, request.amount)
        get = calc.sum_get_com if calc.sum_get_com is not None else calc.sum_get
        if calc.reserve is not None and get is not None and get > calc.reserve:
            raise BidRejected(BidProblem.RESERVE, limit=calc.reserve, asset=direction.get_code.upper())
        params = {
            "direction_id": direction.id,
            "give_code": direction.give_code,
            "get_code": direction.get_code,
            "amount": wire_text(request.amount),
            "get": wire_text(get) if get is not None else "",
        }
        if request.payout:
            params["payout"] = request.payout
        action, token = await self._store.create(
            kind=BID,
            member_id=member_id,
            chat_id=chat_id,
            account=request.account,
            params=params,
            ttl_s=self._confirm_ttl_s,
            idempotency_key=uuid.uuid4().hex,  # the bid's api_id: an unknown outcome is looked up by it
        )
        await self._audit.record(member_id, "bid.preview", {"action": action.id, **_described(action)})
        return BidPreviewed(direction, calc, action.id, token)

    async def preview_cancel(
        self, member_id: int, chat_id: int, account: str, bid_id: str
    ) -> BidCancelPreviewed:
        bid = await self._client(account).bid_info(bid_id=bid_id)
        if not bid.actions.cancel_via_api or bid.is_final:
            raise BidRejected(BidProblem.NOT_CANCELLABLE)
        params = {
            "bid_id": bid.id,
            "give": f"{wire_text(bid.amount_give)} {bid.give_code}",
            "get": f"{wire_text(bid.amount_get)} {bid.get_code}",
        }
        action, token = await self._store.create(
            kind=BID_CANCEL,
            member_id=member_id,
            chat_id=chat_id,
            account=account,
            params=params,
            ttl_s=self._confirm_ttl_s,
        )
        await self._audit.record(member_id, "bid_cancel.preview", {"action": action.id, **_described(action)})
        return BidCancelPreviewed(bid, action.id, token)

    async def send_bid(self, action: Action) -> Executed:
        params = action.params
        bid = await self._client(action.account).create_bid(
            params["direction_id"],
            Decimal(params["amount"]),
            account_to=params.get("payout") or None,
            api_id=action.idempotency_key,
            callback_url=self._callback_url(action.account),
        )
        return Executed(
            exchange_id=bid.id, result={"status": bid.status.value, "get": wire_text(bid.amount_get)}
        )

    async def send_cancel(self, action: Action) -> Executed:
        client = self._client(action.account)
        # the hash is looked up at the moment of sending: it is the bid's private link, never kept
        bid = await client.bid_info(bid_id=action.params["bid_id"])
        status = await client.cancel_bid(bid.hash)
        return Executed(exchange_id=bid.id, done=True, result={"status": status.value})


def _described(action: Action) -> dict[str, str]:
    return {"account": action.account, **action.params}


#: a bid's statuses once it is cancelled
_CANCELLED = frozenset({BidStatus.CANCEL, BidStatus.DELETE})


class BidLookup:
    """Finds bids (by api_id) and bid cancels (by the bid's status) whose outcome is unknown."""

    def __init__(self, exchanger: ExchangerDesk, *, not_found_after_s: float) -> None:
        self._exchanger = exchanger
        self._not_found_after_s = not_found_after_s

    def _client(self, account: str) -> ExchangerClient:
        client = self._exchanger.sites(account)[0].client
        assert isinstance(client, ExchangerClient)
        return client

    async def find(self, action: Action) -> Lookup:
        if action.kind == BID_CANCEL:
            return await self._cancel(action)
        record = await self._client(action.account).find_bid_by_api_id(action.idempotency_key)
        if record is None:
            if too_early(action, self._not_found_after_s):
                return Lookup(Verdict.WAIT)
            return Lookup(Verdict.NOT_PLACED, reason="the site has no bid with this api_id")
        result = {"status": record.status.value, "get": wire_text(record.amount_get)}
        return Lookup(Verdict.PLACED, exchange_id=record.id, result=result)

    async def _cancel(self, action: Action) -> Lookup:
        bid = await self._client(action.account).bid_info(bid_id=action.params["bid_id"])
        if bid.status in _CANCELLED:
            return Lookup(Verdict.PLACED, exchange_id=bid.id, result={"status": bid.status.value}, done=True)
        if not bid.is_final and too_early(action, self._not_found_after_s):
            return Lookup(Verdict.WAIT)
        return Lookup(Verdict.NOT_PLACED, reason=f"the bid is {bid.status.value}, not cancelled")
