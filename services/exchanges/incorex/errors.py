"""Maps IncoreX error answers into the shared hierarchy.

Errors come as ``{"name": ..., "status": "error", "id": CODE, "msg": TEXT}``; the official clients also
look for a truthy ``error`` key, so that shape is recognised too.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from services.exchanges import errors
from services.exchanges.transport import Request, Response, Transport

from .constants import ERROR_CLASSES, ERROR_WORDS

_LAST_NONCE = re.compile(r"(\d{6,})")
_MINIMUM = re.compile(r"minimum[^0-9]*([0-9]+(?:\.[0-9]+)?)")


def error_of(data: Any) -> tuple[str, str] | None:
    """(code, message) when the answer is an error, else None."""
    if not isinstance(data, dict):
        return None
    if data.get("status") == "error":
        return str(data.get("id", "")), str(data.get("msg", "") or "error")
    error = data.get("error")
    if error:
        return str(data.get("id", data.get("code", ""))), str(error)
    return None


def classify(code: str, message: str) -> type[errors.ExchangeError]:
    if code.isdigit() and int(code) in ERROR_CLASSES:
        return ERROR_CLASSES[int(code)]
    lowered = message.lower()
    for words, cls in ERROR_WORDS:
        if words in lowered:
            return cls
    return errors.ExchangeError


def last_nonce(error: errors.InvalidNonce) -> int | None:
    """The nonce the server says it last saw, when its message names one."""
    found = _LAST_NONCE.findall(error.message)
    return int(found[0]) if found else None


def _minimum(message: str) -> Decimal | None:
    found = _MINIMUM.search(message)
    if found is None:
        return None
    try:
        return Decimal(found.group(1))
    except InvalidOperation:
        return None


def raise_for_error(transport: Transport, request: Request, response: Response) -> None:
    """The error hook: raises the mapped, redacted error when the answer reports one."""
    if response.status == 429 or response.status >= 500:
        return  # the transport maps these by status (Retry-After, retries for reads)
    found = error_of(response.data) if response.is_json else None
    if found is None:
        return
    code, message = found
    exc = transport.error(classify(code, message), request, message, code)
    if isinstance(exc, errors.MinimumNotMet):
        exc.minimum = _minimum(message)
    raise exc
