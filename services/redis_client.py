"""The Redis client shared by services, and the key naming every service goes through."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from redis.asyncio import Redis
from redis.asyncio.connection import SSLConnection
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool, SentinelManagedConnection
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, OutOfMemoryError, ReadOnlyError, ResponseError, TimeoutError

# Errors that mean "Redis is not reachable right now" rather than "the command was wrong".
REDIS_UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (ConnectionError, TimeoutError)
# Redis that answers but refuses writes (maxmemory reached, a failed snapshot, a replica, a master
# without the replicas min-replicas-to-write asks for) is an outage too; redis-py has classes for
# OOM and READONLY, MISCONF and NOREPLICAS are plain ResponseErrors.
_REFUSED_WRITES: tuple[type[Exception], ...] = (OutOfMemoryError, ReadOnlyError)
_REFUSED_WRITE_CODES = ("MISCONF", "OOM", "READONLY", "NOREPLICAS")


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


@dataclass(frozen=True)
class SentinelTarget:
    """Where Redis Sentinel is asked for the current master: its addresses and the master's name."""

    sentinels: tuple[tuple[str, int], ...]
    master: str
    # The sentinels' own password (requirepass in sentinel.conf); the master's comes from the URL.
    password: str | None = field(default=None, repr=False)


def create_redis(
    url: str,
    *,
    sentinel: SentinelTarget | None = None,
    socket_timeout_s: float = 5.0,
    connect_timeout_s: float = 2.0,
    health_check_interval_s: int = 30,
) -> Redis:
    """Build a client that reconnects by itself when Redis comes back.

    The connection pool opens connections lazily, so building the client never fails
    when Redis is down; the first command does. With `sentinel`, every new connection asks the
    sentinels where the master is, so after a failover the same client reaches the promoted replica;
    the URL then gives only the user, password, database number and TLS (rediss://), not the address.
    """
    policy: dict[str, Any] = {
        "decode_responses": True,
        "retry": Retry(
            ExponentialBackoff(cap=_BACKOFF_CAP_S, base=_BACKOFF_BASE_S),
            _RETRIES,
            supported_errors=(ConnectionError, TimeoutError),
        ),
        "socket_timeout": socket_timeout_s,
        "socket_connect_timeout": connect_timeout_s,
        "health_check_interval": health_check_interval_s,
    }
    if sentinel is None:
        return Redis.from_url(url, **policy)
    return _sentinel_master(url, sentinel, policy)


class _MasterConnection(SentinelManagedConnection):
    """A connection to the master the sentinels name, which asks them again on every reconnect and
    when that master has lost its replicas.

    After a failover the old master keeps accepting writes until the sentinels turn it into a
    replica, and those writes are then lost. With `min-replicas-to-write` it refuses them with
    NOREPLICAS instead; redis-py only re-asks the sentinels on READONLY, so NOREPLICAS is treated
    the same way: drop the connection and let the retry policy reconnect to the current master.
    """

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        # redis-py reconnects a dropped connection here, while a command is retried, to the address it
        # had before instead of asking the sentinels; after a failover that is the old master.
        if not self.is_connected:
            await self.connect()
        await super().send_packed_command(command, check_health)

    async def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().read_response(*args, **kwargs)
        except ResponseError as exc:
            if not str(exc).startswith("NOREPLICAS"):
                raise
            await self.disconnect()
            raise ConnectionError("the master has lost its replicas") from exc


class _MasterSSLConnection(_MasterConnection, SSLConnection):
    pass


class _SentinelMaster(Redis):
    """The master client of a Sentinel of its own: closing it closes the sentinel connections too."""

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        await super().aclose(close_connection_pool)
        if isinstance(self.connection_pool, SentinelConnectionPool):
            for sentinel in self.connection_pool.sentinel_manager.sentinels:
                await sentinel.aclose()


def _sentinel_master(url: str, target: SentinelTarget, policy: dict[str, Any]) -> Redis:
    parts = urlsplit(url)
    tls = parts.scheme == "rediss"
    master: dict[str, Any] = {
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "db": int(parts.path.lstrip("/") or 0),
        "connection_class": _MasterSSLConnection if tls else _MasterConnection,
    }
    sentinels = Sentinel(
        list(target.sentinels),
        sentinel_kwargs={
            "password": target.password,
            "ssl": tls,
            "socket_timeout": policy["socket_timeout"],
            "socket_connect_timeout": policy["socket_connect_timeout"],
        },
    )
    return sentinels.master_for(target.master, redis_class=_SentinelMaster, **master, **policy)


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
