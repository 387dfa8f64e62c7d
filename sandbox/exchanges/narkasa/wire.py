"""Narkasa's wire conventions on the server side: answers, refusals, parameters, order shapes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from sandbox.exchanges.common import SimOrder
from services.exchanges.jsonwire import dumps
from services.exchanges.narkasa.constants import ERROR_CODES, SUCCESS

Params = Mapping[str, str]
AUTH_CODES = frozenset({"20000", "20001", "20003", "20004"})

TYPE_WORD = {"limit": "LIMIT", "market": "MARKET", "stop_limit": "STOP LIMIT"}
TYPE_CODE = {"LIMIT": 0, "MARKET": 1, "STOP LIMIT": 2, "FAST": 3}


class Refusal(Exception):
    """An answer ``{"code": "<5 digits>", "msg": text}`` from the document's table."""

    def __init__(self, code: str, status: int | None = None) -> None:
        super().__init__(ERROR_CODES[code][1])
        self.code = code
        self.status = status or (401 if code in AUTH_CODES else 400)

    def response(self) -> web.Response:
        return respond({"code": self.code, "msg": str(self)}, self.status)


def respond(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(text=dumps(body), status=status, content_type="application/json", headers=headers)


def ok(**fields: Any) -> dict[str, Any]:
    return {"code": SUCCESS, **fields}


def required(params: Params, name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise Refusal("20005")
    return value


def positive(params: Params, name: str, code: str) -> Decimal:
    """A positive number parameter; ``code`` is the document's "must be float and higher than 0"."""
    try:
        value = Decimal(required(params, name))
    except InvalidOperation:
        raise Refusal(code) from None
    if not value.is_finite() or value <= 0:
        raise Refusal(code)
    return value


def ms(seconds: float) -> int:
    return int(seconds * 1000)


def status_word(order: SimOrder) -> str:
    if order.status == "filled":
        return "FILLED"
    if order.status == "cancelled":
        return "CANCELLED"
    return "PARTIALLY_FILLED" if order.filled > 0 else "NEW"


def type_word(order: SimOrder, fast: bool) -> str:
    return "FAST" if fast else TYPE_WORD[order.type]


def placed_order(order: SimOrder, market_id: str, fast: bool) -> dict[str, Any]:
    """The order endpoints' answer: words for type and side; market and fast orders carry no id."""
    body: dict[str, Any] = {"status": status_word(order)}
    if order.type != "market":
        body["orderId"] = order.id
    body |= {"market": market_id, "orderType": type_word(order, fast), "side": order.side.upper()}
    if order.type == "stop_limit":
        body["stopType"] = "GREATER" if order.trigger_above else "LESS"
        body["target"] = order.stop_price
    if fast and order.side == "buy":
        body |= {"total": order.quote_amount, "filledTotal": order.cost}
    else:
        if order.price is not None:
            body["price"] = order.price
        body |= {"amount": order.amount, "filledAmount": order.filled}
    body["time"] = ms(order.created_at)
    return body


def listed_order(order: SimOrder, market_id: str, fast: bool) -> dict[str, Any]:
    """user-orders and the websocket: integers for type, side and stop type."""
    return {
        "market": market_id,
        "price": order.price or 0,
        "targetPrice": order.stop_price or 0,
        "amount": order.amount,
        "filledAmount": order.filled,
        "side": 0 if order.side == "buy" else 1,
        "time": ms(order.created_at),
        "orderType": TYPE_CODE[type_word(order, fast)],
        "stopType": 1 if order.trigger_above else 0,
        "orderId": order.id,
    }
