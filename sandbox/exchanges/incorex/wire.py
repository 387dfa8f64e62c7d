"""IncoreX's wire conventions on the server side: error answers, parameters, number formatting."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from services.exchanges.incorex.constants import ERROR_TEXTS, ErrorCode

Params = Mapping[str, str]


class Refusal(Exception):
    """An answer ``{"name", "status": "error", "id": code, "msg": text}``."""

    def __init__(
        self, code: ErrorCode, status: int = 200, retry_after: int | None = None, **fields: Any
    ) -> None:
        super().__init__(ERROR_TEXTS[code].format(**fields))
        self.code = code
        self.status = status
        self.retry_after = retry_after

    def body(self, method: str) -> dict[str, Any]:
        return {"name": method, "status": "error", "id": int(self.code), "msg": str(self)}


def ok(method: str, **fields: Any) -> dict[str, Any]:
    return {"name": method, "status": "ok", "id": 0, "msg": "Ok", **fields}


def num(value: Decimal | None) -> str:
    """Plain decimal text without trailing zeros, as the document shows amounts ("100", "0.15")."""
    if value is None:
        return "0"
    text = f"{value.normalize():f}"
    return text


def required(params: Params, name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise Refusal(ErrorCode.BAD_PARAMETER, name=name)
    return value


def decimal_param(params: Params, name: str, *, default: Decimal | None = None) -> Decimal:
    if name not in params and default is not None:
        return default
    try:
        value = Decimal(required(params, name))
    except InvalidOperation:
        raise Refusal(ErrorCode.BAD_PARAMETER, name=name) from None
    if not value.is_finite() or value <= 0:
        raise Refusal(ErrorCode.BAD_PARAMETER, name=name)
    return value


def int_param(params: Params, name: str, default: int, maximum: int | None = None) -> int:
    text = params.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise Refusal(ErrorCode.BAD_PARAMETER, name=name)
    value = int(text)
    return min(value, maximum) if maximum is not None else value


def pair_list(params: Params) -> list[str]:
    """``pair`` holds one or several pairs separated by commas ("BTC_USD, BTC_EUR")."""
    return [p.strip().upper() for p in required(params, "pair").split(",") if p.strip()]
