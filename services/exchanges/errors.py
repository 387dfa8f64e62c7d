"""One error hierarchy for every exchange.

Each client maps its own HTTP statuses and error codes into these classes; the bot shows users a short
localized reason per class and logs keep the detail. Messages never carry keys, signatures or secrets:
the transport redacts them before an error is built.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

from pydantic import ValidationError


class ExchangeError(Exception):
    """Base of every exchange failure. `exchange` and `endpoint` say where it happened."""

    #: a short machine-readable reason; the bot maps it to a localized message
    reason = "error"

    def __init__(self, message: str, *, exchange: str = "", endpoint: str = "", code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.exchange = exchange
        self.endpoint = endpoint
        self.code = code
        #: the HTTP status of the answer that failed, when there was one (set by the transport)
        self.status: int | None = None
        #: whether its WARNING line was written (the transport writes one per failed request)
        self.logged = False

    def __str__(self) -> str:
        where = "/".join(part for part in (self.exchange, self.endpoint) if part)
        code = f" [{self.code}]" if self.code else ""
        return f"{where}: {self.message}{code}" if where else f"{self.message}{code}"


class AuthenticationError(ExchangeError):
    """Key unknown, signature wrong, key expired."""

    reason = "authentication"


class PermissionDenied(ExchangeError):
    """The key is valid but lacks the right (trade, withdraw, IP allowlist...)."""

    reason = "permission"


class InsufficientFunds(ExchangeError):
    reason = "insufficient_funds"


class InvalidOrder(ExchangeError):
    """Rejected by pair limits, precision, price bands or a bad parameter."""

    reason = "invalid_order"


class InvalidRequest(ExchangeError):
    """A parameter the exchange refused that is not about an order (address, memo, asset...)."""

    reason = "invalid_request"


class OrderNotFound(ExchangeError):
    reason = "not_found"


class InvalidNonce(AuthenticationError):
    """Nonce or timestamp out of the server's window; the client resynchronises once."""

    reason = "invalid_nonce"


class RateLimited(ExchangeError):
    """The exchange (or our own limiter's view of it) asks us to slow down."""

    reason = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: str) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class LocalRateLimit(RateLimited):
    """Our own limiter, not the exchange, holds the request back: nothing was sent."""


class ExchangeUnavailable(ExchangeError):
    """Network failure, timeout, 5xx, maintenance on a read (a write in doubt is OutcomeUnknown)."""

    reason = "unavailable"


class RequestTimeout(ExchangeUnavailable):
    reason = "timeout"


class OutcomeUnknown(ExchangeError):
    """A write may have reached the exchange and no definite, documented answer came back: a 5xx, a
    timeout, a reset after sending, an unreadable body, or the caller giving up while it was in flight.

    Never retried automatically; the caller marks the action for manual check.
    """

    reason = "outcome_unknown"


class BadResponse(ExchangeError):
    """The answer was not what the document promises: HTML error page, truncated JSON, wrong shape."""

    reason = "bad_response"


class NotSupported(ExchangeError):
    """The exchange's API has no such feature."""

    reason = "not_supported"


class MinimumNotMet(InvalidOrder):
    """Amount or cost below the pair's minimum; carries the minimum for a helpful message."""

    def __init__(self, message: str, *, minimum: Decimal | None = None, **kw: str) -> None:
        super().__init__(message, **kw)
        self.minimum = minimum


class UnknownPair(InvalidRequest):
    """The pair is not listed on this exchange."""

    reason = "unknown_pair"


class NetworkRequired(InvalidRequest):
    """The asset leaves on several networks and none was chosen: the user picks one of ``networks``."""

    def __init__(self, message: str, *, networks: Sequence[str] = (), **kw: str) -> None:
        super().__init__(message, **kw)
        self.networks = list(networks)


#: how many wrong fields a BadResponse names; the rest are counted
SHAPE_FIELDS_SHOWN = 5


def shape_problems(exc: ValidationError) -> str:
    """What a wrong answer shape may tell logs and users: the path of each wrong field and pydantic's
    error type, never the value found there nor pydantic's message (both may quote balances or
    addresses from a private answer)."""
    found = exc.errors(include_url=False, include_context=False, include_input=False)
    named = [f"{'.'.join(str(part) for part in e['loc']) or '(root)'} ({e['type']})" for e in found]
    more = len(named) - SHAPE_FIELDS_SHOWN
    return ", ".join(named[:SHAPE_FIELDS_SHOWN]) + (f" and {more} more" if more > 0 else "")


@contextmanager
def reading_write_answer(exchange: str, endpoint: str) -> Iterator[None]:
    """Around reading the answer to a write that was sent: an answer we cannot read proves nothing about
    what the exchange did, so the outcome is unknown (never "failed", never sent again)."""
    try:
        yield
    except BadResponse as exc:
        raise OutcomeUnknown(
            f"{exc.message}; the write was sent, outcome unknown", exchange=exchange, endpoint=endpoint
        ) from exc
