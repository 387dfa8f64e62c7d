"""The Redis client shared by services, and the key naming every service goes through."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, OutOfMemoryError, ReadOnlyError, ResponseError, TimeoutError

# Errors that mean "Redis is not reachable right now" rather than "the command was wrong".
REDIS_UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (ConnectionError, TimeoutError)
# Redis that answers but refuses writes (maxmemory reached, a failed snapshot, a replica) is an
# outage too; redis-py has classes for the first and the last, MISCONF is a plain ResponseError.
_REFUSED_WRITES: tuple[type[Exception], ...] = (OutOfMemoryError, ReadOnlyError)
_REFUSED_WRITE_CODES = ("MISCONF", "OOM", "READONLY")


def is_redis_unavailable(exc: BaseException) -> bool:
    """True when Redis cannot serve us now (unreachable, or refusing writes); False for a bad command.

    Middlewares answer these with "try again in a minute" instead of treating them as bugs.
    """
    if isinstance(exc, REDIS_UNAVAILABLE_ERRORS + _REFUSED_WRITES):
        return True
    return isinstance(exc, ResponseError) and str(exc).startswith(_REFUSED_WRITE_CODES)


# Retries are kept short on purpose: a user waits for the answer, and after these
# attempts the bot tells them Redis is down instead of hanging.
_RETRIES = 3
_BACKOFF_BASE_S = 0.05
_BACKOFF_CAP_S = 0.5


def create_redis(
    url: str,
    *,
    socket_timeout_s: float = 5.0,
    connect_timeout_s: float = 2.0,
    health_check_interval_s: int = 30,
) -> Redis:
    """Build a client that reconnects by itself when Redis comes back.

    The connection pool opens connections lazily, so building the client never fails
    when Redis is down; the first command does.
    """
    return Redis.from_url(
        url,
        decode_responses=True,
        retry=Retry(
            ExponentialBackoff(cap=_BACKOFF_CAP_S, base=_BACKOFF_BASE_S),
            _RETRIES,
            supported_errors=(ConnectionError, TimeoutError),
        ),
        socket_timeout=socket_timeout_s,
        socket_connect_timeout=connect_timeout_s,
        health_check_interval=health_check_interval_s,
    )


class Keys:
    """Builds Redis keys under one prefix so several bots (or tests) can share a database.

    >>> Keys("chatops")("lang", 1001)
    'chatops:lang:1001'
    """

    SEPARATOR = ":"

    def __init__(self, prefix: str) -> None:
        if not prefix or self.SEPARATOR in prefix:
            raise ValueError(f"prefix must be non-empty and contain no {self.SEPARATOR!r}: {prefix!r}")
        self.prefix = prefix

    def __call__(self, *parts: str | int) -> str:
        if not parts:
            raise ValueError("a key needs at least one part after the prefix")
        return self.SEPARATOR.join([self.prefix, *map(str, parts)])

    def __repr__(self) -> str:
        return f"Keys({self.prefix!r})"
