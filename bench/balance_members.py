"""Members asking for /balance at the same time: how long they wait and what it costs the exchanges.

20 members each send /balance 10 times, one after another, all members at once, against the five demo
simulators (their documented rate limits enforced, on both sides) with Redis-backed clients as in the
bot. Each reply is the balance report of every account. The run is made twice: with every reply asking
the exchanges itself (how the bot worked before shared reads), and with shared reads (identical reads
in flight joined, an answer reused for up to ``read_cache_s``). Requests are counted by the simulators.

With ``--pause`` a member waits a random 0..2x that many seconds between commands, so the run spans
several cache periods and the request rate shows what it grows with.

    python -m bench.balance_members [--members 20] [--times 10] [--read-cache-s 5] [--latency 0.1]
                                    [--pause 0]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import aiohttp
from pydantic import TypeAdapter

from bench.balance_fanout import add_latency
from demo.exchanges import RunningExchange, running_exchanges
from services.accounts import AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.portfolio import PortfolioService
from services.read_cache import Fetched, Freshness, SharedReads
from services.redis_client import Keys, create_redis

T = TypeVar("T")
REDIS_URL = "redis://127.0.0.1:6379/0"
PER_ACCOUNT_S = 15.0  # the bot's time budget for one report


class EveryReplyAsks(SharedReads):
    """The bot before shared reads: each reply makes its own requests."""

    async def read(
        self,
        name: str,
        shape: TypeAdapter[T],
        fetch: Callable[[], Awaitable[T]],
        *,
        exchange: str = "",
        fresh: bool = False,
    ) -> Fetched[T]:
        return Fetched(await fetch(), Freshness(datetime.now(UTC)))


def registry_for(exchanges: list[RunningExchange], redis: Any, prefix: str) -> AccountRegistry:
    specs = []
    for e in exchanges:
        credentials = Credentials(e.account.api_key, e.account.api_secret, e.account.api_login)
        config = ClientConfig(
            account=f"{e.name}-main",
            credentials=credentials,
            base_url=e.base_url,
            redis=redis,
            redis_prefix=prefix,
        )
        specs.append((e.name, config))
    return AccountRegistry.build(specs)


async def requests_seen(exchanges: list[RunningExchange], reset: bool = False) -> int:
    total = 0
    async with aiohttp.ClientSession() as http:
        for e in exchanges:
            path = "reset-stats" if reset else "stats"
            async with http.request("POST" if reset else "GET", f"{e.base_url}/_control/{path}") as answer:
                total += int((await answer.json())["total"])
    return total


async def run(
    shared: bool, members: int, times: int, read_cache_s: float, latency: float, pause: float
) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:12]}"
    redis = create_redis(REDIS_URL)
    keys = Keys(prefix)
    reads_type = SharedReads if shared else EveryReplyAsks
    try:
        async with running_exchanges() as exchanges:
            accounts = registry_for(exchanges, redis, prefix)
            reads = reads_type(redis, keys, max_age_s=read_cache_s)
            portfolio = PortfolioService(
                accounts,
                reads=reads,
                quote="USDT",
                dust_threshold=Decimal(1),
                budget=TimeBudget(PER_ACCOUNT_S),
            )
            for account in accounts:  # markets loaded once, as a running bot has them
                await account.client.load_markets()
            await add_latency(exchanges, latency)
            await requests_seen(exchanges, reset=True)
            waits: list[float] = []
            lost = 0

            async def member(rng: random.Random) -> None:
                nonlocal lost
                for _ in range(times):
                    await asyncio.sleep(rng.uniform(0, 2 * pause))
                    started = time.perf_counter()
                    report = await portfolio.report()
                    waits.append(time.perf_counter() - started)
                    lost += bool(report.failures)

            started = time.perf_counter()
            await asyncio.gather(*(member(random.Random(n)) for n in range(members)))
            elapsed = time.perf_counter() - started
            sent = await requests_seen(exchanges)
            await accounts.close()
    finally:
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            await redis.delete(key)
        await redis.aclose()
    waits.sort()
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    label = f"shared reads (read_cache_s={read_cache_s:g})" if shared else "every reply asks (before)"
    print(
        f"  {label:34} median {statistics.median(waits):6.2f} s  p99 {p99:6.2f} s  "
        f"replies missing an account {lost:3d}/{len(waits)}  requests {sent:4d} in {elapsed:5.1f} s"
        # a rate over less than a few cache periods says nothing
        + (f" ({sent / elapsed * 60:4.0f}/min)" if elapsed >= 30 else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--read-cache-s", type=float, default=5.0)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to every request")
    parser.add_argument("--pause", type=float, default=0.0, help="mean seconds between a member's commands")
    args = parser.parse_args()
    print(f"{args.members} members x {args.times} /balance, 4 spot accounts + 1 exchanger site:")
    for shared in (False, True):
        asyncio.run(run(shared, args.members, args.times, args.read_cache_s, args.latency, args.pause))


if __name__ == "__main__":
    main()
