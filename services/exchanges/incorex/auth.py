"""IncoreX request signing: the only place that sees the API secret.

The body is the url-encoded POST parameters with ``nonce`` appended; ``Sign`` is the hex HMAC-SHA512 of
exactly those bytes under the secret, ``Key`` the API key.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

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
