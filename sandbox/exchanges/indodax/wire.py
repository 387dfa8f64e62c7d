"""Indodax's wire conventions on the server side: error answers, parameters, number formatting."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from sandbox.exchanges.common.jsonutil import dumps

Params = Mapping[str, str]


class Refusal(Exception):
    """An answer ``{"success": 0, "error": text, "error_code": code}``. withdrawCoin reports some
    failures with ``success: 1`` (as the document shows), and a rate limit comes with HTTP 429."""

    def __init__(self, message: str, code: str = "", *, status: int = 200, success: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.success = success

    def response(self) -> web.Response:
        body: dict[str, Any] = {"success": self.success, "error": self.message, "error_code": self.code}
        if self.status == 429:
            body["message"] = self.message
        return answer(body, self.status)


def answer(body: Any, status: int = 200) -> web.Response:
    return web.Response(text=dumps(body), status=status, content_type="application/json")


def ok(result: Any) -> web.Response:
    return answer({"success": 1, "return": result})


def coin(value: Decimal) -> str:
    """Amounts as the document prints them: eight decimals ("0.00313482")."""
    return f"{value:.8f}"


def plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def price_text(value: Decimal | None) -> str:
    return "0" if value is None else plain(value)


def required(params: Params, name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise Refusal(f"Missing parameter {name}", "invalid_parameter")
    return value


def decimal_param(params: Params, name: str) -> Decimal | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Refusal(f"Invalid {name}", "invalid_parameter") from None
    if not value.is_finite() or value < 0:
        raise Refusal(f"Invalid {name}", "invalid_parameter")
    return value


def int_param(params: Params, name: str, default: int | None = None) -> int | None:
    text = params.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise Refusal(f"Invalid {name}", "invalid_parameter")
    return int(text)
