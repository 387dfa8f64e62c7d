"""How long /balance takes across five accounts when each exchange answers slowly.

Every simulator gets the same added latency on every request; the report prints the time of a full
portfolio report (the balance of every spot account and one all-tickers request per exchange). The accounts
are asked at once, so the time should track the slowest account, not the sum of them: the same run times
each spot account's report alone, and the slowest of those is the baseline.

    python -m bench.balance_fanout [--latency 0.3] [--rounds 5]
    python -m bench fanout
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from decimal import Decimal

import aiohttp

from bench.figures import Figure, throwaway_redis
from demo.exchanges import RunningExchange, running_exchanges
from services.accounts import AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.exchanges.capabilities import Capability
from services.portfolio import PortfolioService, TickerCache
from services.read_cache import SharedReads


def registry_for(exchanges: list[RunningExchange]) -> AccountRegistry:
    specs = []
    for e in exchanges:
        credentials = Credentials(e.account.api_key, e.account.api_secret, e.account.api_login)
        config = ClientConfig(
            account=f"{e.name}-main", credentials=credentials, base_url=e.base_url, ws_url=e.ws_url
        )
        specs.append((e.name, config))
    return AccountRegistry.build(specs)


async def add_latency(exchanges: list[RunningExchange], seconds: float) -> None:
    async with aiohttp.ClientSession() as http:
        for e in exchanges:
            await http.delete(f"{e.base_url}/_control/faults")
            if seconds > 0:
                fault = {"endpoint": "*", "kind": "latency", "seconds": seconds}
                await http.post(f"{e.base_url}/_control/faults", json=fault)


async def timed_reports(service: PortfolioService, rounds: int) -> list[float]:
    await service.report()  # this service's first report opens what it needs: not timed
    times = []
    for _ in range(rounds):
        service.tickers = TickerCache()  # a fresh ticker cache: every round asks
        started = time.perf_counter()
        report = await service.report()
        times.append(time.perf_counter() - started)
        assert not report.failures, report.failures
    return times


async def measure(latency: float, rounds: int) -> tuple[list[float], list[float]]:
    """Times of the full report, and of the report of the slowest account alone, in the same run."""
    async with throwaway_redis() as (redis, keys), running_exchanges() as exchanges:
        # rounds follow one another, so with max_age_s=0 every round asks every exchange again
        reads = SharedReads(redis, keys, max_age_s=0)
        accounts = registry_for(exchanges)

        def portfolio(registry: AccountRegistry) -> PortfolioService:
            return PortfolioService(
                registry, reads=reads, quote="USDT", dust_threshold=Decimal(1), budget=TimeBudget(12)
            )

        try:
            service = portfolio(accounts)
            await service.report()  # markets loaded, connections open: measure the steady state
            await add_latency(exchanges, latency)
            full = await timed_reports(service, rounds)
            spot = [a for a in accounts if a.client.has(Capability.FETCH_BALANCE)]
            alone = [await timed_reports(portfolio(AccountRegistry([a])), rounds) for a in spot]
        finally:
            await accounts.close()
    return full, max(alone, key=statistics.median)


async def run(latency: float = 0.3, rounds: int = 5) -> list[Figure]:
    figures = []
    for added in (0.0, latency):
        full, alone = await measure(added, rounds)
        figures.append(
            Figure(
                "fanout",
                f"/balance report, 4 spot accounts, +{added * 1000:.0f} ms a request",
                statistics.median(full) * 1000,
                "ms",
                statistics.median(alone) * 1000,
                "slowest account alone",
            )
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.3, help="seconds added to every request")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    baseline, _ = asyncio.run(measure(0.0, args.rounds))
    slowed, alone = asyncio.run(measure(args.latency, args.rounds))
    # four spot accounts, each a balance and a tickers request (the exchanger site holds no balance)
    sequential_ms = 4 * 2 * args.latency * 1000
    print("portfolio report: 4 spot accounts (balance + all tickers each) and 1 exchanger site")
    print(f"  no added latency:           median {statistics.median(baseline) * 1000:6.0f} ms")
    slowed_ms = statistics.median(slowed) * 1000
    print(
        f"  +{args.latency * 1000:.0f} ms on every request:  median {slowed_ms:6.0f} ms"
        f"  (slowest account alone {statistics.median(alone) * 1000:.0f} ms;"
        f" one after another: at least {sequential_ms:.0f} ms)"
    )


if __name__ == "__main__":
    main()
