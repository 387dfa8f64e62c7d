"""Control routes of the exchanger simulator, next to the core's ``/_control/...``."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.exchanges.common import json_response
from sandbox.exchanges.common.jsonutil import loads, to_decimal
from services.exchanges.exchanger.models import BidStatus

from .bids import SimBid
from .state import ExchangerSite

#: the happy path a bid walks when told to advance
NEXT = {BidStatus.NEW: BidStatus.PAYED, BidStatus.PAYED: BidStatus.SUCCESS}


def _error(message: str, status: int = 400) -> web.Response:
    return json_response({"error": message}, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    data = loads(raw) if raw else {}
    return data if isinstance(data, dict) else {}


def _view(bid: SimBid) -> dict[str, Any]:
    return {**bid.record(with_history=True), "hash": bid.hash, "account": bid.account}


def add_exchanger_routes(app: web.Application, site: ExchangerSite) -> None:
    async def bids(request: web.Request) -> web.Response:
        return json_response(
            {"bids": [_view(b) for b in site.bids.bids.values()], "callbacks": site.callbacks}
        )

    async def bid_status(request: web.Request) -> web.Response:
        """``{id, status}`` sets any status; ``{id}`` alone advances new -> payed -> success."""
        data = await _body(request)
        bid = site.bids.bids.get(str(data.get("id", "")))
        if bid is None:
            return _error("no such bid", 404)
        try:
            target = BidStatus(data["status"]) if data.get("status") else NEXT.get(bid.status)
        except ValueError:
            return _error(f"unknown status {data['status']!r}")
        if target is None or bid.status.is_final:
            return _error(f"bid {bid.id} is {bid.status.value}: nothing to advance to")
        site.bids.move(bid, target)
        return json_response(_view(bid))

    async def direction(request: web.Request) -> web.Response:
        """``{id, course_give?, course_get?, min_give?, max_give?}``: reprice or re-limit a direction."""
        data = await _body(request)
        found = site.directions.get(str(data.get("id", "")))
        if found is None:
            return _error("no such direction", 404)
        try:
            for name in ("course_give", "course_get", "min_give", "max_give"):
                if name in data:
                    value = None if data[name] is None else to_decimal(data[name], name)
                    setattr(found, name, value)
        except (TypeError, ValueError) as exc:
            return _error(str(exc))
        return json_response(found.detail(site.reserve(found), ""))

    app.router.add_get("/_control/bids", bids)
    app.router.add_post("/_control/bid/status", bid_status)
    app.router.add_post("/_control/direction", direction)
