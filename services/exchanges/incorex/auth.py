"""IncoreX request signing: the only place that sees the API secret.

The body is the url-encoded POST parameters with ``nonce`` appended; ``Sign`` is the hex HMAC-SHA512 of
exactly those bytes under the secret, ``Key`` the API key.

One signed request is in flight per API key: IncoreX refuses a nonce lower than one it has already seen,
so signed requests must reach it in nonce order; two in flight at once may arrive swapped and the
first-signed one is refused. Requests therefore take turns (SigningTurns), within this process and, when
Redis is shared, across every copy of the bot using the key.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlencode

from redis.asyncio import Redis

from services.exchanges.nonce import NonceSource
from services.exchanges.transport import Request, SignedRequest

KEY_HEADER = "Key"
SIGN_HEADER = "Sign"
NONCE_PARAM = "nonce"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


class IncorexSigner:
    def __init__(self, api_key: str, api_secret: str, nonces: NonceSource) -> None:
        self._key = api_key
        self._secret = api_secret
        self._nonces = nonces

    async def __call__(self, request: Request) -> SignedRequest:
        form = [*(request.form or ()), (NONCE_PARAM, str(await self._nonces.next()))]
        body = urlencode(form).encode()
        headers = {
            **request.headers,
            "Content-Type": FORM_CONTENT_TYPE,
            KEY_HEADER: self._key,
            SIGN_HEADER: sign(self._secret, body),
        }
        return SignedRequest(request.method, request.path, body, headers)


POLL_INTERVAL = 0.01


class SigningTurns:
    def __init__(self, redis: Redis | None, key: str, hold_at_most: float) -> None:
        """``hold_at_most``: a copy that dies holding the turn frees it after this many seconds."""
        self._local = asyncio.Lock()
        self._shared = (
            None
            if redis is None
            else redis.lock(key, timeout=hold_at_most, sleep=POLL_INTERVAL, raise_on_release_error=False)
        )

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        async with self._local:
            if self._shared is None:
                yield
                return
            await self._shared.acquire()
            try:
                yield
            finally:
                await self._shared.release()
