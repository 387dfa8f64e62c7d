"""Whose requests an exchange counts together share one client-side window, in one process and across
bot copies on one Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence

import pytest
from redis.asyncio import Redis

from bot.accounts import build_registry
from bot.config import parse_config
from services.accounts import AccountRegistry
from services.exchanges.ratelimit import RateLimiter, WaitTooLong


def _registry_config(accounts: Sequence[dict[str, str]], prefix: str) -> dict[str, object]:
    return {
        "telegram": {"token": "123:t"},
        "team": [{"telegram_id": 1, "name": "alice", "role": "admin"}],
        "redis": {"prefix": prefix},
        "accounts": list(accounts),
    }


@pytest.fixture(params=["memory", "redis"])
async def redis(request: pytest.FixtureRequest) -> AsyncIterator[Redis | None]:
    if request.param == "memory":
        yield None
        return
    client = Redis.from_url("redis://127.0.0.1:6379/0")
    yield client
    await client.aclose()


async def _registry(redis: Redis | None, accounts: Sequence[dict[str, str]]) -> AccountRegistry:
    prefix = f"test-windows-{uuid.uuid4().hex}"
    return build_registry(parse_config(_registry_config(accounts, prefix)), redis)


def _limiter(registry: AccountRegistry, name: str, transport: str) -> RateLimiter:
    """The limiter of a client's transport, named by its attribute path (``_tapi.private``)."""
    found: object = registry.get(name).client
    for part in transport.split("."):
        found = getattr(found, part)
    limiter: RateLimiter = found.limiter
    return limiter


async def _fill(limiter: RateLimiter, bucket: str, count: int) -> None:
    for _ in range(count):
        await limiter.acquire([bucket], max_wait=0)


async def test_incorex_accounts_share_the_window_of_the_ip(redis: Redis | None) -> None:
    # incorex.txt: "limited to 180 requests per minute from one IP address or from one user"
    accounts = [
        {"name": n, "exchange": "incorex", "api_key": f"k-{n}", "api_secret": "s"} for n in ("one", "two")
    ]
    registry = await _registry(redis, accounts)
    try:
        await _fill(_limiter(registry, "one", "_transport"), "all", 180)
        with pytest.raises(WaitTooLong):  # another key, same IP: the minute is used up
            await _limiter(registry, "two", "_transport").acquire(["all"], max_wait=0)
    finally:
        await registry.close()


async def test_indodax_keys_of_one_account_share_the_trade_window(redis: Redis | None) -> None:
    # indodax-tapi.txt: trade "rate limit of 20 requests per second" "per account and pair"
    accounts = [
        {"name": n, "exchange": "indodax", "api_key": f"k-{n}", "api_secret": "s", "account_id": acc}
        for n, acc in (("desk-a", "team1"), ("desk-b", "team1"), ("other", "team2"))
    ]
    registry = await _registry(redis, accounts)
    try:
        await _fill(_limiter(registry, "desk-a", "_tapi.private"), "trade:btc_idr", 20)
        with pytest.raises(WaitTooLong):  # the second key of the same account
            await _limiter(registry, "desk-b", "_tapi.private").acquire(["trade:btc_idr"], max_wait=0)
        # another account, and another pair of the same account, have their own windows
        await _limiter(registry, "other", "_tapi.private").acquire(["trade:btc_idr"], max_wait=0)
        await _limiter(registry, "desk-b", "_tapi.private").acquire(["trade:eth_idr"], max_wait=0)
    finally:
        await registry.close()
