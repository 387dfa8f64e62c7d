"""Maps Indodax's answers into the error hierarchy.

A failure is any answer with an ``error`` text (withdrawCoin reports some failures with ``success: 1``),
``success`` 0 or "0", or HTTP 429 (whose body may lack ``success``). ``error_code`` decides first; the
many errors with an empty code are classified by their text.
"""

from __future__ import annotations

import re

from services.exchanges import errors
from services.exchanges.redaction import Redactor
from services.exchanges.transport import Request, Response

from .constants import ERROR_CODES, ERROR_TEXTS, EXCHANGE
from .schemas import ErrorBody

_RETRY_IN = re.compile(r"in (\d+) seconds?")
_NONCE = re.compile(r"greater than (\d+)")


def classify(code: str, message: str, status: int) -> type[errors.ExchangeError]:
    if code in ERROR_CODES:
        return ERROR_CODES[code]
    lowered = message.lower()
    for fragment, cls in ERROR_TEXTS:
        if fragment in lowered:
            return cls
    if status == 429:
        return errors.RateLimited
    return errors.ExchangeError


def nonce_floor(message: str) -> int | None:
    """The server's last seen nonce from "Nonce must be greater than X. You provided Y."."""
    found = _NONCE.search(message)
    return int(found.group(1)) if found else None


class IndodaxErrorHook:
    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor

    def __call__(self, request: Request, response: Response) -> None:
        data = response.data
        if not isinstance(data, dict):
            return  # not JSON or a list: the transport's status mapping and the schemas decide
        body = ErrorBody.model_validate(data)
        # a non-empty error fails even with success 1 (withdrawCoin's documented answers); "error": ""
        # beside success 1 is no error (real answers carry it)
        failed = bool(body.error) or body.success in (0, "0") or response.status == 429
        if not failed:
            return
        message = self._redactor.text(body.error or body.message or f"HTTP {response.status}")
        code = self._redactor.text(body.error_code or "")
        cls = classify(code, message, response.status)
        if cls is errors.ExchangeError and response.status >= 400:
            return  # an unknown failure with an HTTP error status (a proxy's 502): the status decides
        where = {"exchange": EXCHANGE, "endpoint": request.endpoint, "code": code}
        if cls is errors.RateLimited:
            found = _RETRY_IN.search(message)
            retry_after = float(found.group(1)) if found else 1.0
            raise errors.RateLimited(message, retry_after=retry_after, **where)
        raise cls(message, **where)
