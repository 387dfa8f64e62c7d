"""Iqfinex's wire conventions on the server side: the envelope, error answers, query and body parameters."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from aiohttp import web

from sandbox.exchanges.common.jsonutil import loads, to_decimal
from services.exchanges import jsonwire
from services.exchanges.iqfinex.constants import SORT_VALUES, STATUS_TEXTS


class Refusal(Exception):
    """An error answer: the HTTP status of the document's table and ``{"status": code, "message": text}``."""

    def __init__(self, status: int, message: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(message or STATUS_TEXTS.get(status, "Error"))
        self.status = status
        self.retry_after = retry_after

    def response(self) -> web.Response:
        headers = {} if self.retry_after is None else {"Retry-After": str(max(1, round(self.retry_after)))}
        return respond({"status": self.status, "message": str(self)}, self.status, headers)


def respond(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(
        text=jsonwire.dumps(body), status=status, content_type="application/json", headers=headers
    )


def ok(data: Any) -> web.Response:
    return respond({"status": 200, "data": data})


def page(rows: list[Any], query: Mapping[str, str], default: int, maximum: int) -> dict[str, Any]:
    """``{"count", "rows"}`` after the document's limit, offset and sort (rows come newest first)."""
    limit = min(int_param(query, "limit", default), maximum)
    offset = int_param(query, "offset", 0)
    sort = query.get("sort", "DESC").upper()
    if sort not in SORT_VALUES:
        raise Refusal(400, "Wrong sort. Accepted values: ASC, DESC")
    ordered = rows if sort == "DESC" else rows[::-1]
    return {"count": len(rows), "rows": ordered[offset : offset + limit]}


def int_param(query: Mapping[str, str], name: str, default: int) -> int:
    text = query.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise Refusal(400, f"Wrong {name}")
    return int(text)


async def body(request: web.Request) -> dict[str, Any]:
    """The order body: JSON as the document shows, or a form (as a lenient server would also take)."""
    raw = await request.read()
    if not raw:
        return {}
    if request.content_type == "application/x-www-form-urlencoded":
        return dict(await request.post())
    try:
        data = loads(raw)
    except ValueError:
        raise Refusal(400, "Body must be JSON") from None
    if not isinstance(data, dict):
        raise Refusal(400, "Body must be a JSON object")
    return data


def number(data: Mapping[str, Any], name: str) -> Decimal | None:
    """An optional positive number field; a present but bad one is refused."""
    value = data.get(name)
    if value is None or value == "":
        return None
    try:
        result = to_decimal(value, name)
    except ValueError:
        raise Refusal(400, f"Wrong {name}") from None
    if result <= 0:
        raise Refusal(400, f"Wrong {name}")
    return result


def decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
