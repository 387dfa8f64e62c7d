"""The assumed exchange limit (5 requests/s per key, a conservative guess: the document names none) holds
for a burst, as the simulator counts arrivals, for one client and for two bot copies sharing Redis."""

import asyncio
import uuid

from redis.asyncio import Redis

from services.exchanges.iqfinex.constants import EXCHANGE_LIMITS

from .test_iqfinex_sim import make_client, simulator

[LIMIT] = EXCHANGE_LIMITS


async def test_a_burst_stays_within_the_declared_limit() -> None:
    async with simulator() as (state, url), make_client(url) as client:
        await asyncio.gather(*(client.fetch_balance() for _ in range(LIMIT.limit * 2 + 2)))
        assert state.requests.count("balance") == LIMIT.limit * 2 + 2
        assert state.requests.max_in_window(LIMIT.period) <= LIMIT.limit
        assert state.limiter.rejected == {}


async def test_two_copies_sharing_redis_share_the_limit() -> None:
    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    prefix = f"test-iqfinex-{uuid.uuid4().hex}"
    try:
        async with (
            simulator() as (state, url),
            make_client(url, redis=redis, redis_prefix=prefix) as first,
            make_client(url, redis=redis, redis_prefix=prefix) as second,
        ):
            burst = [copy.fetch_account_info() for copy in (first, second) for _ in range(LIMIT.limit)]
            await asyncio.gather(*burst)
            assert state.requests.max_in_window(LIMIT.period) <= LIMIT.limit
            assert state.limiter.rejected == {}
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
