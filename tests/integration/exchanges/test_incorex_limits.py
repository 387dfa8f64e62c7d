"""Client-side limits keep a burst within what the simulator allows (180/min, 10/min wallet)."""

from __future__ import annotations

import asyncio

from services.exchanges import errors
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.incorex.constants import (
    ALL_BUCKET,
    DOCUMENTED_RATE_LIMITS,
    RATE_MARGIN,
    REQUESTS_PER_MINUTE,
    WALLET_BUCKET,
    WALLET_REQUESTS_PER_MINUTE,
    client_limits,
)
from services.exchanges.ratelimit import RateLimit
from services.exchanges.transport import RetryPolicy

from .test_incorex_fixtures import PAIR, simulator

# the documented counts over a shortened window, so a burst spanning several windows runs in seconds
PERIOD = 1.0
SHORT_LIMITS = (
    RateLimit(ALL_BUCKET, REQUESTS_PER_MINUTE, PERIOD),
    RateLimit(WALLET_BUCKET, WALLET_REQUESTS_PER_MINUTE, PERIOD),
)
UNLIMITED = (RateLimit(ALL_BUCKET, 100_000, PERIOD),)


def test_the_documented_limits_are_declared() -> None:
    documented = {limit.key: (limit.limit, limit.period) for limit in DOCUMENTED_RATE_LIMITS}
    assert documented == {ALL_BUCKET: (180, 60.0), WALLET_BUCKET: (10, 60.0)}


def test_the_client_enforces_the_documented_counts_over_slightly_longer_windows() -> None:
    enforced = {limit.key: (limit.limit, limit.period) for limit in IncorexClient.rate_limits}
    assert enforced == {ALL_BUCKET: (180, 60.0 + RATE_MARGIN), WALLET_BUCKET: (10, 60.0 + RATE_MARGIN)}


async def test_a_burst_of_500_calls_never_exceeds_180_per_window_at_the_simulator() -> None:
    async with (
        simulator(rate_limits=SHORT_LIMITS) as sim,
        sim.client(rate_limits=client_limits(SHORT_LIMITS)) as client,
    ):
        await client.load_markets()
        await asyncio.gather(
            *(client.fetch_tickers() if i % 2 else client.fetch_balance() for i in range(499))
        )
        stats = sim.state.limiter.stats()
    assert sim.state.requests.count() == 500  # nothing refused, nothing sent again
    assert stats["rejected"] == {}
    assert stats["max_in_window"][ALL_BUCKET] == REQUESTS_PER_MINUTE


async def test_a_burst_of_wallet_calls_keeps_to_10_per_window() -> None:
    async with (
        simulator(rate_limits=SHORT_LIMITS) as sim,
        sim.client(rate_limits=client_limits(SHORT_LIMITS)) as client,
    ):
        await asyncio.gather(*(client.wallet_history() for _ in range(25)))
        stats = sim.state.limiter.stats()
    assert stats["rejected"] == {}
    assert stats["max_in_window"][WALLET_BUCKET] == WALLET_REQUESTS_PER_MINUTE


async def test_the_simulator_refuses_what_exceeds_the_limit_with_retry_after() -> None:
    # the documented minute itself: the burst must fit in one window whatever the machine's pace (over a
    # shortened window, a slow burst let the window slide and more requests through)
    whole_minute = (RateLimit(ALL_BUCKET, REQUESTS_PER_MINUTE, 60.0),)
    async with (
        simulator(rate_limits=whole_minute) as sim,
        sim.client(rate_limits=UNLIMITED, retry=RetryPolicy(attempts=1)) as client,
    ):
        await client.load_markets()
        results = await asyncio.gather(
            *(client.fetch_order_book(PAIR) for _ in range(200)), return_exceptions=True
        )
    refused = [r for r in results if isinstance(r, errors.RateLimited)]
    assert len(refused) == 200 + 1 - REQUESTS_PER_MINUTE  # pair_settings took one
    assert all(r.retry_after is not None and r.retry_after >= 1 for r in refused)
