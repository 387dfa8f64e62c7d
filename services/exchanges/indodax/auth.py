"""TAPI signing: the only place that sees the secret.

The form body carries ``method`` plus either ``nonce`` or ``timestamp`` and ``recvWindow``; header ``Key``
is the API key and ``Sign`` the hex HMAC-SHA512 of the exact body bytes under the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum
from urllib.parse import urlencode

from services.exchanges.nonce import NonceSource, ServerClock
from services.exchanges.transport import Request, SignedRequest


class AuthMode(StrEnum):
    TIMESTAMP = "timestamp"
    NONCE = "nonce"


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


class IndodaxSigner:
    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        mode: AuthMode,
        clock: ServerClock,
        nonces: NonceSource,
        recv_window_ms: int,
    ) -> None:
        self._key = api_key
        self._secret = api_secret
        self.mode = mode
        self._clock = clock
        self._nonces = nonces
        self._recv_window = recv_window_ms

    async def auth_params(self) -> list[tuple[str, str]]:
        if self.mode is AuthMode.NONCE:
            return [("nonce", str(await self._nonces.next()))]
        return [("timestamp", str(self._clock.now_ms())), ("recvWindow", str(self._recv_window))]

    async def __call__(self, request: Request) -> SignedRequest:
        body = urlencode([*(request.form or ()), *await self.auth_params()]).encode()
        headers = {
            **request.headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Key": self._key,
            "Sign": sign(self._secret, body),
        }
        return SignedRequest(request.method, request.path, body, headers)
