"""TAPI signing: the only place that sees the secret.

The form body carries ``method`` plus either ``nonce`` or ``timestamp`` and ``recvWindow``; header ``Key``
is the API key and ``Sign`` the hex HMAC-SHA512 of the exact body bytes under the secret. ``TapiSession``
sends signed calls: with the server clock or a nonce, resynchronised after a refused nonce/timestamp.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from services.exchanges import errors
from services.exchanges.nonce import NonceSource, ServerClock
from services.exchanges.transport import Request, SignedRequest, Transport

from .constants import EXCHANGE, TAPI_PATH
from .errors import nonce_floor


class AuthMode(StrEnum):
    TIMESTAMP = "timestamp"
    NONCE = "nonce"


def now_ms() -> int:
    return int(time.time() * 1000)


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


class TapiSession:
    """Signed TAPI calls over ``private``; ``server_ms`` asks the server's clock (a public call)."""

    def __init__(
        self,
        private: Transport,
        *,
        clock: ServerClock,
        nonces: NonceSource,
        auth_mode: AuthMode,
        server_ms: Callable[[], Awaitable[int]],
    ) -> None:
        self.private = private
        self.clock = clock
        self.auth_mode = auth_mode
        self._nonces = nonces
        self._server_ms = server_ms
        self._clock_lock = asyncio.Lock()

    async def sync_clock(self) -> None:
        """Measures the offset between our clock and the server's (timestamp mode signs with it)."""
        async with self._clock_lock:
            sent = now_ms()
            server_ms = await self._server_ms()
            received = now_ms()
            self.clock.update(server_ms, sent, received)

    async def call(
        self,
        method: str,
        params: Sequence[tuple[str, str]] = (),
        *,
        write: bool = False,
        buckets: Sequence[str] = (),
    ) -> Any:
        """One TAPI call; resynchronises the clock (or the nonce) once if the server refuses it."""
        if self.auth_mode is AuthMode.TIMESTAMP and not self.clock.measured:
            await self.sync_clock()
        form = [("method", method), *params]
        request = Request("POST", TAPI_PATH, method, form=form, write=write, buckets=buckets, signed=True)
        try:
            return await self._send(request)
        except errors.InvalidNonce as first:
            await self._resynchronise(first)
            # the document gives no words for this refusal, so it does not prove a write was not executed:
            # a write is never sent again (the next one goes out with the corrected nonce or clock)
            if write:
                raise
        # a read: sending it once more cannot do harm
        try:
            return await self._send(request)
        except errors.InvalidNonce as again:
            what = "the server clock" if self.auth_mode is AuthMode.TIMESTAMP else "the nonce"
            raise errors.InvalidNonce(
                f"{again.message} (still refused after resynchronising {what})",
                exchange=EXCHANGE,
                endpoint=method,
                code=again.code,
            ) from again

    async def _send(self, request: Request) -> Any:
        try:
            return await self.private.request(request)
        except errors.RateLimited as exc:
            # a 429 blocks the bucket server-side (5 s for a pair's trades): stay away as long
            for bucket in request.buckets:
                await self.private.limiter.block(bucket, exc.retry_after or 1.0)
            raise

    async def _resynchronise(self, refused: errors.InvalidNonce) -> None:
        if self.auth_mode is AuthMode.TIMESTAMP:
            await self.sync_clock()
            return
        floor = nonce_floor(refused.message)
        if floor is not None:
            await self._nonces.advance_past(floor)
