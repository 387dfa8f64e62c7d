"""The alert engine with many active alerts: the time of one tick over every market, next to a naive loop
over every alert in the same run; Redis memory per alert; this process's resident memory.

The alerts are spread over 1,000 markets of one account: thresholds (above, below, crossing) and moves
(+N% / -N% within an hour), none of which the steady price of the measured ticks reaches, so a round
measures what watching costs, not what telling costs. A tick goes through AlertEngine.on_quotes, as the
price feed calls it with every market of the account (the move windows, then the store's tick script).
Every member holds 100 alerts, the default `[alerts] max_per_member`. The naive loop reads every alert
(from the same compact store, a pipeline of its bucket hashes) and compares it with its market's price
in Python, which is what a bot without indexed alerts does.

    python -m bench alerts [--alerts 1000,10000,100000,1000000]
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from decimal import Decimal

from redis.asyncio import Redis

from bench.figures import Figure, resident_mb, throwaway_redis
from services.alerts.conditions import Condition, Kind
from services.alerts.engine import AlertEngine
from services.alerts.prices import Quote
from services.alerts.store import AlertStore, Fired
from services.redis_client import Keys

ACCOUNT = "bench-main"
MARKETS = 1000
PRICE = Decimal(100)
ROUNDS = 3
CREATE_AT_ONCE = 500
READ_AT_ONCE = 1000
PER_MEMBER = 100
DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)


def market(i: int) -> str:
    return f"M{i:04d}/USDT"


def condition(rng: random.Random) -> Condition:
    """An alert the steady price does not reach: thresholds away from it, moves bigger than zero."""
    roll = rng.random()
    if roll < 0.4:
        return Condition(Kind.ABOVE, price=Decimal(rng.randint(101, 200)))
    if roll < 0.7:
        return Condition(Kind.BELOW, price=Decimal(rng.randint(1, 99)))
    if roll < 0.9:
        return Condition(Kind.CROSS, price=Decimal(rng.randint(101, 200)), repeat=True, cooldown_s=600)
    kind = Kind.RISE if roll < 0.95 else Kind.FALL
    return Condition(kind, percent=Decimal(rng.randint(2, 20)), period_s=3600)


async def fill(store: AlertStore, count: int, now: float) -> None:
    rng = random.Random(count)
    members = max(1, count // PER_MEMBER)
    for start in range(0, count, CREATE_AT_ONCE):
        batch = range(start, min(count, start + CREATE_AT_ONCE))
        await asyncio.gather(
            *(
                store.create(i % members, ACCOUNT, market(i % MARKETS), condition(rng), PRICE, now)
                for i in batch
            )
        )


async def engine_round(engine: AlertEngine, markets: list[str], now: float) -> float:
    """One feed round as PriceFeed._ingest makes it: every market with alerts at once."""
    started = time.perf_counter()
    fired = await engine.on_quotes(ACCOUNT, dict.fromkeys(markets, Quote(PRICE, now)), now)
    assert not fired, "the steady price fired an alert: the bench would measure delivery"
    return time.perf_counter() - started


async def naive_round(redis: Redis, root: str, buckets: int, prices: dict[str, Decimal]) -> float:
    """Every alert read and compared with its market's price, as a loop over all alerts does."""
    started = time.perf_counter()
    reached = 0
    names = await redis.hgetall(f"{root}mname")  # type: ignore[misc]
    for start in range(0, buckets, READ_AT_ONCE // 100):
        pipe = redis.pipeline(transaction=False)
        for bucket in range(start, min(buckets, start + READ_AT_ONCE // 100)):
            pipe.hgetall(f"{root}a:{bucket}")
        for alerts in await pipe.execute():
            for raw in alerts.values():
                _member, mid, kind, *_, target, _period, side, _state, _created, _expires = raw.split("|")
                price = prices[names[mid].partition("\n")[2]]
                if kind == ">" or (kind == "x" and side == "up"):
                    reached += price >= Decimal(target)
                elif kind == "<" or kind == "x":
                    reached += price <= Decimal(target)
    assert reached == 0
    return time.perf_counter() - started


async def redis_bytes(redis: Redis, pattern: str) -> int:
    total = 0
    keys = [key async for key in redis.scan_iter(match=pattern, count=1000)]
    for start in range(0, len(keys), READ_AT_ONCE):
        pipe = redis.pipeline(transaction=False)
        for key in keys[start : start + READ_AT_ONCE]:
            pipe.memory_usage(key)
        total += sum(n or 0 for n in await pipe.execute())
    return total


async def measure(count: int) -> list[Figure]:
    async with throwaway_redis() as (redis, keys):
        store = AlertStore(redis, keys, hysteresis=Decimal("0.01"), max_per_member=PER_MEMBER)

        async def deliver(_fired: Fired) -> None:
            return None

        engine = AlertEngine(store, deliver, interval_s=60)
        now = time.time()
        rss_before = resident_mb()
        await fill(store, count, now)
        markets = sorted(await store.markets(ACCOUNT))
        await engine_round(engine, markets, now)  # the move windows get their first price
        ticks = [await engine_round(engine, markets, now + 1 + r) for r in range(ROUNDS)]
        rss_engine = resident_mb()
        root = keys("alerts") + Keys.SEPARATOR
        book = dict.fromkeys(markets, PRICE)
        naive = [await naive_round(redis, root, count // 100 + 1, book) for _ in range(ROUNDS)]
        alert_bytes = await redis_bytes(redis, f"{root}*")
        window_bytes = await redis_bytes(redis, keys("window", ACCOUNT, "*"))
    n = f"{count:,} alerts"
    tick, loop = statistics.median(ticks) * 1000, statistics.median(naive) * 1000
    return [
        Figure("alerts", f"{n}: one tick of {len(markets):,} markets", tick, "ms", loop, "naive loop"),
        Figure("alerts", f"{n}: Redis memory per alert", alert_bytes / count, "B"),
        Figure("alerts", f"{n}: Redis memory, move windows", window_bytes / 1024, "KiB"),
        Figure(
            "alerts", f"{n}: bench RSS after engine ticks", rss_engine, "MiB", rss_before, "before filling"
        ),
    ]


async def run(sizes: tuple[int, ...] = DEFAULT_SIZES) -> list[Figure]:
    figures: list[Figure] = []
    for count in sizes:
        figures += await measure(count)
    return figures
