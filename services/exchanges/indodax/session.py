"""The plumbing every Indodax call goes through: the two transports, TAPI signing with the server clock
or a nonce, resynchronisation after a refused nonce/timestamp, and response shapes checked at the door."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from services.exchanges import errors
from services.exchanges.base import ClientConfig, ExchangeClient
from services.exchanges.nonce import ServerClock
from services.exchanges.ratelimit import RateLimit
from services.exchanges.transport import Request

from . import schemas
from .auth import AuthMode, IndodaxSigner
from .callback import WithdrawalCallbacks
from .constants import (
    DEFAULT_BASE_URL,
    DEFAULT_RECV_WINDOW_MS,
    EXCHANGE,
    PUBLIC_BUCKET,
    RATE_LIMITS,
    SERVER_TIME_PATH,
    TAPI_PATH,
)
from .errors import IndodaxErrorHook, nonce_floor

M = TypeVar("M", bound=BaseModel)


def now_ms() -> int:
    return int(time.time() * 1000)


def amount_text(value: Decimal) -> str:
    """Plain notation (no exponent): ``Decimal("1E-7")`` goes out as ``0.0000001``."""
    return format(value.normalize(), "f")


class IndodaxSession(ExchangeClient):
    exchange = EXCHANGE
    display_name = "Indodax"
    rate_limits = RATE_LIMITS
    default_base_url = DEFAULT_BASE_URL

    def __init__(
        self,
        config: ClientConfig,
        *,
        auth_mode: AuthMode = AuthMode.TIMESTAMP,
        recv_window_ms: int = DEFAULT_RECV_WINDOW_MS,
        rate_limits: Sequence[RateLimit] | None = None,
    ) -> None:
        """``rate_limits`` replaces the declared ones (tests with small windows)."""
        super().__init__(config)
        limits = self.rate_limits if rate_limits is None else rate_limits
        self.clock = ServerClock()
        self.auth_mode = auth_mode
        self._nonces = self.make_nonce_source()
        credentials = config.credentials
        signer = IndodaxSigner(
            credentials.api_key,
            credentials.api_secret,
            mode=auth_mode,
            clock=self.clock,
            nonces=self._nonces,
            recv_window_ms=recv_window_ms,
        )
        hook = IndodaxErrorHook(self.redactor)
        # the public limit is counted per address, not per key: every account shares one window
        public_limiter = self.make_limiter(limits, scope="public")
        self._public = self.make_transport(error_hook=hook, limiter=public_limiter)
        self._private = self.make_transport(signer=signer, error_hook=hook, limiter=self.make_limiter(limits))
        self._clock_lock = asyncio.Lock()
        self.withdrawal_callbacks = WithdrawalCallbacks(
            config.redis, self._redis_key("withdraw-callback", credentials.fingerprint())
        )

    async def public(self, path: str, endpoint: str, query: Sequence[tuple[str, str]] = ()) -> Any:
        request = Request("GET", path, endpoint, query=query, buckets=(PUBLIC_BUCKET,))
        return await self._public.request(request)

    async def sync_clock(self) -> None:
        """Measures the offset between our clock and the server's (timestamp mode signs with it)."""
        async with self._clock_lock:
            sent = now_ms()
            data = await self.public(SERVER_TIME_PATH, "server_time")
            received = now_ms()
            server_ms = self.parse(schemas.ServerTime, data, "server_time").server_time
            self.clock.update(server_ms, sent, received)

    async def tapi(
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

    async def tapi_result(self, model: type[M], method: str, params: Sequence[tuple[str, str]] = ()) -> M:
        """A read whose answer is ``{"success": 1, "return": <model>}``."""
        envelope = self.parse(schemas.Envelope, await self.tapi(method, params), method)
        return self.parse(model, envelope.result, method)

    async def _send(self, request: Request) -> Any:
        try:
            return await self._private.request(request)
        except errors.RateLimited as exc:
            # a 429 blocks the bucket server-side (5 s for a pair's trades): stay away as long
            for bucket in request.buckets:
                await self._private.limiter.block(bucket, exc.retry_after or 1.0)
            raise

    async def _resynchronise(self, refused: errors.InvalidNonce) -> None:
        if self.auth_mode is AuthMode.TIMESTAMP:
            await self.sync_clock()
            return
        floor = nonce_floor(refused.message)
        if floor is not None:
            await self._nonces.advance_past(floor)
