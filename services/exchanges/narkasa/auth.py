"""Narkasa signing: the only place that sees the API secret.

A signed request carries every parameter, then ``timestamp`` (ms, server clock) and the optional
``windowSize``, in the query string; ``signature`` is the hex HMAC-SHA256 of exactly that query string
under the secret and is appended last. The key travels in the ``X-APNK-APIKEY`` header.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from yarl import URL

from ..base import Credentials
from ..nonce import ServerClock
from ..transport import Request, SignedRequest
from .constants import API_KEY_HEADER


def hmac_sha256_hex(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def user_stream_message(credentials: Credentials) -> dict[str, str]:
    """The USER_STREAMS login: the signature is the HMAC of the API key itself."""
    return {
        "method": "USER_STREAMS",
        "apiKey": credentials.api_key,
        "signature": hmac_sha256_hex(credentials.api_secret, credentials.api_key),
    }


class NarkasaSigner:
    def __init__(self, credentials: Credentials, clock: ServerClock, window_ms: int | None = None) -> None:
        self._credentials = credentials
        self._clock = clock
        self._window_ms = window_ms

    def sign_query(self, params: list[tuple[str, str]], timestamp_ms: int) -> str:
        params = [*params, ("timestamp", str(timestamp_ms))]
        if self._window_ms is not None:
            params.append(("windowSize", str(self._window_ms)))
        # signed exactly as it goes on the wire: the HTTP client's URL parser re-normalises percent-escapes
        query = URL("/?" + urlencode(params)).raw_query_string
        return f"{query}&signature={hmac_sha256_hex(self._credentials.api_secret, query)}"

    async def __call__(self, request: Request) -> SignedRequest:
        query = self.sign_query(list(request.query), self._clock.now_ms())
        headers = {**request.headers, API_KEY_HEADER: self._credentials.api_key}
        return SignedRequest(request.method, f"{request.path}?{query}", None, headers)
