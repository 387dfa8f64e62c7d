"""The Iqfinex signer: the raw API key in the Authorization header. The only code that sees the key."""

from __future__ import annotations

from ..transport import Request, SignedRequest, unsigned
from .constants import AUTH_HEADER


class IqfinexAuth:
    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    async def __call__(self, request: Request) -> SignedRequest:
        wire = await unsigned(request)
        return SignedRequest(
            wire.method, wire.url_path, wire.body, {**wire.headers, AUTH_HEADER: self._api_key}
        )
