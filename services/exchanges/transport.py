"""The HTTP loop every exchange client shares.

One aiohttp session per client; client-side rate limits; retries with backoff and jitter for reads only,
within one time budget; JSON parsed with Decimal; HTTP statuses and exchange error codes mapped into the
error hierarchy through a hook each client provides; credentials redacted from every log line and error
text. A write is sent once: an answer that proves nothing (a 5xx, a timeout, a reset after sending, an
unreadable body, the caller giving up) makes it OutcomeUnknown. Each failed request logs one WARNING line.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import aiohttp

from . import errors, jsonwire
from .budget import TimeBudget, remaining
from .ratelimit import Priority, RateLimiter, WaitTooLong, current_priority
from .redaction import Redactor

log = logging.getLogger("services.exchanges")

NOT_JSON: Any = object()

# a Retry-After longer than a day is an error on the server's side; we come back within a day
MAX_RETRY_AFTER_S = 86400.0


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
    attempts: int = 3  # for reads, within the budget's total; writes get exactly one
    base_delay: float = 0.25
    max_delay: float = 5.0
    max_retry_after: float = 30.0  # longer waits are surfaced to the caller instead
    # our own limiter holds a request at most this long, then reports "rate limited, retry in N s"
    # (a person waiting for a reply is better told than kept waiting out a minute-long window)
    max_limiter_wait: float = 10.0
    # a background poll nobody waits for may wait its turn longer: it takes only what members leave
    max_background_wait: float = 60.0

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
        budget: TimeBudget | None = None,
        retry: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
        account: str = "",
    ) -> None:
        self.exchange = exchange
        self.account = account
        self.base_url = base_url.rstrip("/")
        self._limiter = limiter
        self._signer = signer
        self._error_hook = error_hook
        self._redactor = redactor or Redactor()
        self._budget = budget or TimeBudget()
        self._retry = retry or RetryPolicy()
        self._session = session
        self._owns_session = session is None
        self._abandoned: set[asyncio.Future[Response]] = set()

    @property
    def limiter(self) -> RateLimiter:
        return self._limiter

    @property
    def redactor(self) -> Redactor:
        return self._redactor

    def _session_now(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    async def close(self) -> None:
        if self._session is not None and self._owns_session and not self._session.closed:
            await self._session.close()

    async def request(self, request: Request) -> Any:
        """Send and return the parsed JSON (Decimal numbers), or raise an ExchangeError."""
        try:
            if request.write:
                return await self._write(request)
            # waiting for our own limiter has its own bound; the request's total starts when it may go
            left = remaining()
            if left is not None and left <= 0:
                raise self._error(errors.RequestTimeout, request, "timed out: the time budget is spent")
            await self._acquire(request, self._limiter_wait())
            with self._budget.deadline():
                return await self._read(request)
        except errors.ExchangeError as exc:
            self._log_failure(request, exc)
            raise

    async def _read(self, request: Request) -> Any:
        attempts = max(1, self._retry.attempts)
        for attempt in range(attempts):
            try:
                return self._check(request, await self._attempt(request))
            except errors.RateLimited as exc:
                wait = exc.retry_after if exc.retry_after is not None else self._retry.delay(attempt)
                # our own limiter already waited what it could: the caller decides when to come back
                if isinstance(exc, errors.LocalRateLimit) or wait > self._retry.max_retry_after:
                    raise
                await self._before_retry(request, exc, attempt, attempts, wait)
            except (errors.ExchangeUnavailable, errors.BadResponse) as exc:
                await self._before_retry(request, exc, attempt, attempts, self._retry.delay(attempt))
        raise AssertionError("unreachable: the loop returns or raises")

    async def _before_retry(
        self, request: Request, failed: errors.ExchangeError, attempt: int, attempts: int, wait: float
    ) -> None:
        """Waits for the next attempt, or raises ``failed`` when no attempt is left within the budget."""
        if attempt + 1 >= attempts or wait >= self._budget.attempt_timeout(write=False):
            raise failed
        await asyncio.sleep(wait)
        try:
            await self._acquire(request, self._limiter_wait())
        except errors.LocalRateLimit:
            raise failed from None
        if self._budget.attempt_timeout(write=False) <= 0:
            raise failed

    async def _attempt(self, request: Request) -> Response:
        timeout = self._budget.attempt_timeout(write=False)
        return await self._send_once(request, await self._sign(request), timeout)

    async def _write(self, request: Request) -> Any:
        await self._acquire(request, self._max_limiter_wait())
        signed = await self._sign(request)
        # once on its way, a write is never cut short: the caller may stop waiting, the request goes on
        sending = asyncio.ensure_future(
            self._send_once(request, signed, self._budget.attempt_timeout(write=True))
        )
        try:
            response = await asyncio.shield(sending)
        except asyncio.CancelledError:
            self._abandoned.add(sending)  # a strong reference until it ends, so it is not collected
            sending.add_done_callback(self._abandoned.discard)
            sending.add_done_callback(self._log_abandoned(request))
            # the caller gave up waiting: it learns that the write may have happened, not "cancelled"
            raise self._error(
                errors.OutcomeUnknown, request, "the caller stopped waiting after sending; outcome unknown"
            ) from None
        try:
            return self._check(request, response)
        except (errors.ExchangeUnavailable, errors.BadResponse) as exc:
            if isinstance(exc, errors.BadResponse) or response.status >= 500 or not response.is_json:
                unknown = self._error(
                    errors.OutcomeUnknown, request, f"{exc.message} after sending; outcome unknown", exc.code
                )
                unknown.status = response.status
                raise unknown from exc
            raise

    def _log_abandoned(self, request: Request) -> Callable[[asyncio.Future[Response]], None]:
        def done(sending: asyncio.Future[Response]) -> None:
            if sending.cancelled():
                return
            failure = sending.exception()
            status = "no answer" if failure is not None else sending.result().status
            log.warning(
                "exchange write answered after its caller stopped waiting: account=%s exchange=%s method=%s"
                " status=%s",
                self.account,
                self.exchange,
                request.endpoint,
                status,
            )

        return done

    def _limiter_wait(self) -> float:
        """How long a read may wait for our own limiter: its bound, and no later than an open deadline."""
        left = remaining()
        bound = self._max_limiter_wait()
        return bound if left is None else min(bound, left)

    def _max_limiter_wait(self) -> float:
        if current_priority() is Priority.BACKGROUND:
            return self._retry.max_background_wait
        return self._retry.max_limiter_wait

    async def _acquire(self, request: Request, max_wait: float) -> None:
        try:
            await self._limiter.acquire(request.buckets, max_wait=max(0.0, max_wait))
        except WaitTooLong as exc:
            raise errors.LocalRateLimit(
                "client-side rate limit: the exchange's window is full",
                retry_after=exc.wait,
                exchange=self.exchange,
                endpoint=request.endpoint,
            ) from None

    async def _sign(self, request: Request) -> SignedRequest:
        return await (self._signer or unsigned)(request) if request.signed else await unsigned(request)

    async def _send_once(self, request: Request, signed: SignedRequest, attempt_s: float) -> Response:
        url = self.base_url + signed.url_path
        started = time.monotonic()
        sent = False
        try:
            async with self._session_now().request(
                signed.method,
                url,
                data=signed.body,
                headers=dict(signed.headers),
                timeout=aiohttp.ClientTimeout(total=attempt_s),
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
        try:
            return self._map(request, response)
        except errors.ExchangeError as exc:
            exc.status = response.status
            raise

    def _map(self, request: Request, response: Response) -> Any:
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
        return errors.RateLimited(
            "rate limited",
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            exchange=self.exchange,
            endpoint=request.endpoint,
        )

    def _log_failure(self, request: Request, exc: errors.ExchangeError) -> None:
        # one line per failed request for operators: where, what, and the class; texts are redacted
        exc.logged = True
        log.warning(
            "exchange request failed: account=%s exchange=%s method=%s status=%s error=%s: %s",
            self.account,
            self.exchange,
            request.endpoint,
            exc.status if exc.status is not None else "-",
            type(exc).__name__,
            self._redactor.text(exc.message),
        )

    def _error(
        self, cls: type[errors.ExchangeError], request: Request, message: str, code: str = ""
    ) -> errors.ExchangeError:
        exc = cls(self._redactor.text(message), exchange=self.exchange, endpoint=request.endpoint)
        exc.code = self._redactor.text(code)
        return exc

    def error(
        self, cls: type[errors.ExchangeError], request: Request, message: str, code: str = ""
    ) -> errors.ExchangeError:
        """For error hooks: builds a redacted error naming this exchange and the endpoint."""
        return self._error(cls, request, message, code)


def retry_after_seconds(header: str | None) -> float | None:
    """A Retry-After header in seconds: delta-seconds or an HTTP date; None when absent or absurd
    (``nan``, ``inf``, negative), so the caller falls back to its own backoff."""
    if header is None:
        return None
    try:
        seconds = float(header)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = max(0.0, when.timestamp() - time.time())
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, MAX_RETRY_AFTER_S)
