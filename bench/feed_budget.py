"""The price feed's request budget: requests each exchange simulator receives per minute with few and with
many active alerts. The feed makes one all-tickers request per exchange per interval whatever the number
of alerts (Narkasa's prices come from its stream), so both runs should cost the same.

A few feed rounds are run back to back after the warm-up rounds (connections open, Narkasa's stream
subscribed and caught up) and the count per round is scaled to a minute at the bot's default poll interval.

    python -m bench budget [--feed-rounds 3]
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from bench.balance_fanout import registry_for
from bench.figures import Figure, throwaway_redis
from bot.config import AlertsConfig
from demo.exchanges import RunningExchange, running_exchanges
from sandbox.exchanges.common import STATE_KEY
from services.accounts import AccountRegistry
from services.alerts.conditions import Condition, Kind
from services.alerts.engine import AlertEngine
from services.alerts.feed import PriceFeed
from services.alerts.prices import PriceBook
from services.alerts.store import AlertStore, Fired
from services.exchanges.capabilities import Capability

INTERVAL_S = float(AlertsConfig().poll_interval_s)
NEVER = Condition(Kind.ABOVE, price=Decimal(10) ** 15)  # watched every round, never fired
CREATE_AT_ONCE = 500


async def spread(store: AlertStore, accounts: AccountRegistry, count: int) -> None:
    """``count`` alerts over every account whose exchange has an all-tickers request, in turn, and over
    each account's markets."""
    markets = {
        account.name: sorted(m.symbol for m in await account.client.load_markets())
        for account in accounts
        if account.client.has(Capability.FETCH_TICKERS)
    }
    names = list(markets)
    now = time.time()

    def place(i: int) -> tuple[str, str]:
        name = names[i % len(names)]
        symbols = markets[name]
        return name, symbols[i // len(names) % len(symbols)]

    for start in range(0, count, CREATE_AT_ONCE):
        batch = range(start, min(count, start + CREATE_AT_ONCE))
        await asyncio.gather(*(store.create(i % 100, *place(i), NEVER, None, now) for i in batch))


def requests(exchanges: list[RunningExchange], *, reset: bool = False) -> dict[str, int]:
    seen = {}
    for e in exchanges:
        state = e.app[STATE_KEY]
        seen[e.name] = int(state.stats()["total"])
        if reset:
            state.reset_stats()
    return seen


async def per_minute(alerts: int, rounds: int) -> dict[str, float]:
    async with throwaway_redis() as (redis, keys), running_exchanges() as exchanges:
        accounts = registry_for(exchanges)
        store = AlertStore(redis, keys, hysteresis=Decimal("0.005"), max_per_member=alerts)
        prices = PriceBook(redis, keys)

        async def deliver(_fired: Fired) -> None:
            return None

        async def outage(_accounts: list[str], _members: set[int], _down: bool) -> None:
            return None

        engine = AlertEngine(store, deliver, interval_s=INTERVAL_S)
        feed = PriceFeed(
            accounts, store, prices, engine, redis, keys, interval_s=INTERVAL_S, on_outage=outage
        )
        try:
            await spread(store, accounts, alerts)
            await feed.poll()
            await asyncio.sleep(1)  # Narkasa's stream connects
            await feed.poll()  # and asks one REST round to catch up: part of the warm-up, not of a minute
            requests(exchanges, reset=True)
            for _ in range(rounds):
                await feed.poll()
            seen = requests(exchanges)
        finally:
            await feed.close()
            await accounts.close()
    return {name: count / rounds * 60 / INTERVAL_S for name, count in seen.items()}


async def run(rounds: int = 3, few: int = 10, many: int = 10_000) -> list[Figure]:
    baseline = await per_minute(few, rounds)
    measured = await per_minute(many, rounds)
    return [
        Figure(
            "budget",
            f"{name}: requests a minute, {many:,} alerts",
            measured[name],
            "req/min",
            baseline[name],
            f"with {few} alerts",
        )
        for name in measured
    ]
