"""Maps Narkasa's answers into the error hierarchy.

Every answer carries ``code``; anything but ``00000`` is a failure named by the document's table.
The hook runs before the transport's status mapping, so a coded body wins over its HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import errors
from ..transport import Request, Response
from .constants import ERROR_CODES, SUCCESS

ErrorFactory = Callable[[type[errors.ExchangeError], Request, str, str], errors.ExchangeError]


def response_code(data: Any) -> str | None:
    if not isinstance(data, dict) or "code" not in data:
        return None
    return str(data["code"]).zfill(5)


def error_for(code: str, message: str | None = None) -> tuple[type[errors.ExchangeError], str]:
    cls, meaning = ERROR_CODES.get(code, (errors.ExchangeError, "Unknown error"))
    return cls, message or meaning


def make_error_hook(build: ErrorFactory) -> Callable[[Request, Response], None]:
    def hook(request: Request, response: Response) -> None:
        code = response_code(response.data) if response.is_json else None
        if code is None or code == SUCCESS or response.status == 429:  # 429: the transport reads Retry-After
            return
        msg = response.data.get("msg")
        cls, message = error_for(code, msg if isinstance(msg, str) else None)
        raise build(cls, request, message, code)

    return hook
