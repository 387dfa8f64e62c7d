"""The HTTP loop every exchange client shares.

One aiohttp session per client; client-side rate limits; retries with backoff and jitter for reads only;
JSON parsed with Decimal; HTTP statuses and exchange error codes mapped into the error hierarchy through
a hook each client provides; credentials redacted from every log line and error text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import aiohttp

from . import errors, jsonwire
from .ratelimit import RateLimiter, WaitTooLong
from .redaction import Redactor

log = logging.getLogger("services.exchanges")

NOT_JSON: Any = object()


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # appended to the client's base URL
    endpoint: str  # a stable name for logs, errors and metrics ("order_create")
    query: Sequence[tuple[str, str]] = ()
    form: Sequence[tuple[str, str]] | None = None  # sent url-encoded; signers sign the exact bytes
    json_body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    write: bool = False  # moves money or changes state: never retried blindly
    buckets: Sequence[str] = ()  # rate-limit buckets this request counts against
    signed: bool = False

    def encoded_body(self) -> bytes | None:
        if self.form is not None:
            return urlencode(list(self.form)).encode()
        if self.json_body is not None:
            return jsonwire.dumps(self.json_body).encode()
        return None

    def query_string(self) -> str:
        return urlencode(list(self.query))


@dataclass(frozen=True)
class SignedRequest:
    """What goes on the wire, exactly: a signer returns one of these."""

    method: str
    url_path: str  # path plus "?query" if any
    body: bytes | None
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    text: str
    data: Any  # JSON parsed with Decimal floats, or NOT_JSON

    @property
    def is_json(self) -> bool:
        return self.data is not NOT_JSON


Signer = Callable[[Request], Awaitable[SignedRequest]]
ErrorHook = Callable[[Request, Response], None]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # for reads; writes get exactly one
    base_delay: float = 0.25
    max_delay: float = 5.0
    max_retry_after: float = 30.0  # longer waits are surfaced to the caller instead
    # our own limiter holds a request at most this long, then reports "rate limited, retry in N s"
    # (a person waiting for a reply is better told than kept waiting out a minute-long window)
    max_limiter_wait: float = 10.0

    def delay(self, attempt: int) -> float:
        # full jitter: spreads retries of several copies instead of synchronising them
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


def parse_json(text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError:
        return NOT_JSON


async def unsigned(request: Request) -> SignedRequest:
    path = request.path + (f"?{request.query_string()}" if request.query else "")
    headers = dict(request.headers)
    body = request.encoded_body()
    if request.form is not None:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif request.json_body is not None:
        headers.setdefault("Content-Type", "application/json")
    return SignedRequest(request.method, path, body, headers)


class Transport:
    def __init__(
        self,
        exchange: str,
        base_url: str,
        *,
        limiter: RateLimiter,
        signer: Signer | None = None,
        error_hook: ErrorHook | None = None,
        redactor: Redactor | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.exchange = exchange
        self.base_url = base_url.rstrip("/")
        self._limiter = limiter
        self._signer = signer
        self._error_hook = error_hook
        self._redactor = redactor or Redactor()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retry = retry or RetryPolicy()
        self._session = session
        self._owns_session = session is None

    @property
    def limiter(self) -> RateLimiter:
        return self._limiter

    @property
    def redactor(self) -> Redactor:
        return self._redactor

    def _session_now(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._owns_session = True
        return self._session

    async def close(self) -> None:
        if self._session is not None and self._owns_session and not self._session.closed:
            await self._session.close()

    async def request(self, request: Request) -> Any:
        """Send and return the parsed JSON (Decimal numbers), or raise an ExchangeError."""
        attempts = 1 if request.write else max(1, self._retry.attempts)
        for attempt in range(attempts):
            try:
                response = await self._send_once(request)
                return self._check(request, response)
            except errors.RateLimited as exc:
                wait = exc.retry_after if exc.retry_after is not None else self._retry.delay(attempt)
                # our own limiter already waited what it could: the caller decides when to come back
                local = isinstance(exc, errors.LocalRateLimit)
                if local or request.write or attempt + 1 >= attempts or wait > self._retry.max_retry_after:
                    raise
                await asyncio.sleep(wait)
            except (errors.ExchangeUnavailable, errors.BadResponse):
                if request.write or attempt + 1 >= attempts:
                    raise
                await asyncio.sleep(self._retry.delay(attempt))
        raise AssertionError("unreachable: the loop returns or raises")

    async def _send_once(self, request: Request) -> Response:
        try:
            await self._limiter.acquire(request.buckets, max_wait=self._retry.max_limiter_wait)
        except WaitTooLong as exc:
            raise errors.LocalRateLimit(
                "client-side rate limit: the exchange's window is full",
                retry_after=exc.wait,
                exchange=self.exchange,
                endpoint=request.endpoint,
            ) from None
        signed = await (self._signer or unsigned)(request) if request.signed else await unsigned(request)
        url = self.base_url + signed.url_path
        started = time.monotonic()
        sent = False
        try:
            async with self._session_now().request(
                signed.method, url, data=signed.body, headers=dict(signed.headers), timeout=self._timeout
            ) as http:
                sent = True
                raw = await http.read()
                text = raw.decode("utf-8", errors="replace")
                response = Response(http.status, dict(http.headers), text, parse_json(text))
        except TimeoutError as exc:
            raise self._lost(request, "timed out", sent=True) from exc
        except aiohttp.ClientConnectorError as exc:
            # refused before anything was written: safe to report as unavailable, even for writes
            raise self._error(errors.ExchangeUnavailable, request, "connection failed") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise self._lost(request, type(exc).__name__, sent=sent or request.write) from exc
        log.debug(
            "%s %s %s -> %s in %.0f ms",
            self.exchange,
            signed.method,
            request.endpoint,
            response.status,
            (time.monotonic() - started) * 1000,
        )
        return response

    def _lost(self, request: Request, what: str, *, sent: bool) -> errors.ExchangeError:
        if request.write and sent:
            return self._error(errors.OutcomeUnknown, request, f"{what} after sending; outcome unknown")
        if what == "timed out":
            return self._error(errors.RequestTimeout, request, "timed out")
        return self._error(errors.ExchangeUnavailable, request, what)

    def _check(self, request: Request, response: Response) -> Any:
        if self._error_hook is not None:
            self._error_hook(request, response)
        status = response.status
        if status == 429:
            raise self._rate_limited(request, response)
        if status == 401:
            raise self._error(errors.AuthenticationError, request, f"HTTP {status}")
        if status == 403:
            raise self._error(errors.PermissionDenied, request, f"HTTP {status}")
        if status >= 500:
            raise self._error(errors.ExchangeUnavailable, request, f"HTTP {status}")
        if not response.is_json:
            snippet = self._redactor.text(response.text[:120]).replace("\n", " ")
            raise self._error(errors.BadResponse, request, f"HTTP {status}, not JSON: {snippet!r}")
        if status >= 400:
            raise self._error(errors.InvalidRequest, request, f"HTTP {status}")
        return response.data

    def _rate_limited(self, request: Request, response: Response) -> errors.RateLimited:
        retry_after: float | None = None
        header = response.headers.get("Retry-After")
        if header is not None:
            try:
                retry_after = float(header)
            except ValueError:
                retry_after = None
        return errors.RateLimited(
            "rate limited", retry_after=retry_after, exchange=self.exchange, endpoint=request.endpoint
        )

    def _error(self, cls: type[errors.ExchangeError], request: Request, message: str) -> errors.ExchangeError:
        return cls(self._redactor.text(message), exchange=self.exchange, endpoint=request.endpoint)

    def error(
        self, cls: type[errors.ExchangeError], request: Request, message: str, code: str = ""
    ) -> errors.ExchangeError:
        """For error hooks: builds a redacted error naming this exchange and the endpoint."""
        exc = self._error(cls, request, message)
        exc.code = self._redactor.text(code)
        return exc
