"""The Iqfinex signer: the raw API key in the Authorization header. The only code that sees the key."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..transport import Request, SignedRequest, unsigned
from .constants import AUTH_HEADER


def json_with_numbers(body: dict[str, Any]) -> bytes:
    """A flat JSON object whose Decimal values are JSON numbers, written exactly (the API takes doubles).

    The framework's encoder writes Decimals as strings; the document's bodies carry numbers.
    """
    parts = []
    for name, value in body.items():
        text = format(value, "f") if isinstance(value, Decimal) else json.dumps(value)
        parts.append(f"{json.dumps(name)}:{text}")
    return ("{" + ",".join(parts) + "}").encode()


class IqfinexAuth:
    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    async def __call__(self, request: Request) -> SignedRequest:
        wire = await unsigned(request)
        body = json_with_numbers(request.json_body) if isinstance(request.json_body, dict) else wire.body
        return SignedRequest(wire.method, wire.url_path, body, {**wire.headers, AUTH_HEADER: self._api_key})
