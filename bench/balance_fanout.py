"""How long /balance takes across five accounts when each exchange answers slowly.

Every simulator gets the same added latency on every request; the report prints the time of a full
portfolio report (the balance of every spot account and one all-tickers request per exchange). The accounts
are asked at once, so the time should track the slowest account, not the sum of them.

    python -m bench.balance_fanout [--latency 0.3] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from decimal import Decimal

import aiohttp

from demo.exchanges import RunningExchange, running_exchanges
from services.accounts import AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.portfolio import PortfolioService
from services.read_cache import SharedReads
from services.redis_client import Keys, create_redis

REDIS_URL = "redis://127.0.0.1:6379/0"


def registry_for(exchanges: list[RunningExchange]) -> AccountRegistry:
    specs = []
    for e in exchanges:
        credentials = Credentials(e.account.api_key, e.account.api_secret, e.account.api_login)
        config = ClientConfig(account=f"{e.name}-main", credentials=credentials, base_url=e.base_url)
        specs.append((e.name, config))
    return AccountRegistry.build(specs)


async def add_latency(exchanges: list[RunningExchange], seconds: float) -> None:
    async with aiohttp.ClientSession() as http:
        for e in exchanges:
            await http.delete(f"{e.base_url}/_control/faults")
            if seconds > 0:
                fault = {"endpoint": "*", "kind": "latency", "seconds": seconds}
                await http.post(f"{e.base_url}/_control/faults", json=fault)


async def measure(latency: float, rounds: int) -> list[float]:
    redis, prefix = create_redis(REDIS_URL), f"bench-{uuid.uuid4().hex[:12]}"
    # rounds follow one another, so with max_age_s=0 every round asks every exchange again
    reads = SharedReads(redis, Keys(prefix), max_age_s=0)
    try:
        async with running_exchanges() as exchanges:
            accounts = registry_for(exchanges)
            service = PortfolioService(
                accounts, reads=reads, quote="USDT", dust_threshold=Decimal(1), budget=TimeBudget(12)
            )
            await service.report()  # markets loaded, connections open: measure the steady state
            await add_latency(exchanges, latency)
            times = []
            for _ in range(rounds):
                service.tickers = type(service.tickers)()  # a fresh ticker cache: every round asks
                started = time.perf_counter()
                report = await service.report()
                times.append(time.perf_counter() - started)
                assert not report.failures, report.failures
            await accounts.close()
            return times
    finally:
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            await redis.delete(key)
        await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.3, help="seconds added to every request")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    baseline = asyncio.run(measure(0.0, args.rounds))
    slowed = asyncio.run(measure(args.latency, args.rounds))
    # four spot accounts, each a balance and a tickers request (the exchanger site holds no balance)
    sequential_ms = 4 * 2 * args.latency * 1000
    print("portfolio report: 4 spot accounts (balance + all tickers each) and 1 exchanger site")
    print(f"  no added latency:           median {statistics.median(baseline) * 1000:6.0f} ms")
    slowed_ms = statistics.median(slowed) * 1000
    print(
        f"  +{args.latency * 1000:.0f} ms on every request:  median {slowed_ms:6.0f} ms"
        f"  (one after another: at least {sequential_ms:.0f} ms)"
    )


if __name__ == "__main__":
    main()
