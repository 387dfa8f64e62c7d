"""The price feed over the simulators (real HTTP, real websocket, real Redis): one all-tickers request
per exchange per round whatever the number of alerts, none for exchanges without alerts, Narkasa from
its stream, a feed down for longer than three intervals told once, and once when back; /price and the
portfolio take its tickers while younger than one interval and ask the exchange otherwise."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal

import aiohttp
import pytest
from redis.asyncio import Redis

from demo.exchanges import DEMO_ACCOUNT, create_simulator, demo_seed_for
from sandbox.exchanges.common import STATE_KEY, SimExchangeState, running
from sandbox.exchanges.common.faults import Fault
from services.accounts import AccountRegistry
from services.alerts.conditions import parse_condition
from services.alerts.engine import AlertEngine
from services.alerts.feed import PriceFeed
from services.alerts.prices import FreshPrices, PriceBook
from services.alerts.store import AlertStore, Fired
from services.exchanger_desk import ExchangerDesk
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.exchanges.models import Ticker
from services.market_data import MarketDataService
from services.portfolio import PortfolioService, TickerCache
from services.read_cache import SharedReads
from services.redis_client import Keys

pytestmark = pytest.mark.integration

ALICE = 1001
INTERVAL_S = 10.0


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    feed: PriceFeed
    store: AlertStore
    prices: PriceBook
    states: dict[str, SimExchangeState]
    clock: Clock
    accounts: AccountRegistry
    urls: dict[str, str] = field(default_factory=dict)
    fired: list[Fired] = field(default_factory=list)
    outages: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)

    def ticker_requests(self, exchange: str) -> int:
        return sum(self.states[exchange].stats()["requests"].values())

    async def add(self, account: str, text: str, pair: str = "BTC/USDT", member: int = ALICE) -> int:
        condition = parse_condition(text.split())
        return (await self.store.create(member, account, pair, condition, Decimal(1), self.clock.now)).id


@contextlib.asynccontextmanager
async def rig(redis: Redis, keys: Keys, *names: str) -> AsyncIterator[Rig]:
    async with contextlib.AsyncExitStack() as stack:
        specs, states, urls = [], {}, {}
        for name in names:
            seed = demo_seed_for(name).replace(drift_interval=0.0)
            app = create_simulator(name, seed)
            base_url = await stack.enter_async_context(running(app))
            states[name] = app[STATE_KEY]
            urls[name] = base_url
            demo = seed.account(DEMO_ACCOUNT)
            credentials = Credentials(demo.api_key, demo.api_secret, demo.api_login)
            ws_url = base_url.replace("http://", "ws://") + "/v3"
            config = ClientConfig(
                account=f"{name}-main", credentials=credentials, base_url=base_url, ws_url=ws_url
            )
            specs.append((name, config))
        accounts = AccountRegistry.build(specs)
        store = AlertStore(redis, keys, hysteresis=Decimal("0.005"), max_per_member=100_000)
        prices = PriceBook(redis, keys)
        clock = Clock()
        fired: list[Fired] = []
        outages: list[tuple[tuple[str, ...], bool]] = []

        async def deliver(alert: Fired) -> None:
            fired.append(alert)

        async def outage(accounts_: list[str], members: set[int], down: bool) -> None:
            assert members == {ALICE}
            outages.append((tuple(accounts_), down))

        engine = AlertEngine(store, deliver, interval_s=INTERVAL_S)
        feed = PriceFeed(
            accounts, store, prices, engine, redis, keys, interval_s=INTERVAL_S, on_outage=outage, clock=clock
        )
        for account in accounts:
            await account.client.load_markets()
        for state in states.values():
            state.reset_stats()
        try:
            yield Rig(feed, store, prices, states, clock, accounts, urls, fired, outages)
        finally:
            await feed.close()
            await accounts.close()


async def test_one_request_per_exchange_per_round_with_10_alerts_as_with_10000(
    redis: Redis, keys: Keys
) -> None:
    async with rig(redis, keys, "incorex", "iqfinex") as r:
        for n in range(10):
            await r.add("incorex-main", f"> {1_000_000 + n}")
        await r.feed.poll()
        with_10 = r.ticker_requests("incorex")
        for n in range(10_000):
            await r.add("incorex-main", f"> {2_000_000 + n}")
        await r.feed.poll()
        assert with_10 == 1
        assert r.ticker_requests("incorex") == 2 * with_10
        assert r.ticker_requests("iqfinex") == 0  # no alerts there: no request


async def test_the_latest_prices_are_kept_with_their_time(redis: Redis, keys: Keys) -> None:
    async with rig(redis, keys, "incorex") as r:
        await r.add("incorex-main", "> 1000000")
        r.states["incorex"].reprice("ETH/USDT", Decimal(2500))
        await r.feed.poll()
        quote = await r.prices.latest("incorex-main", "ETH/USDT")
        assert quote is not None and quote.at == r.clock.now
        assert abs(quote.price / Decimal(2500) - 1) < Decimal("0.01")


async def test_a_price_crossing_at_the_exchange_fires_the_alert_once(redis: Redis, keys: Keys) -> None:
    async with rig(redis, keys, "iqfinex") as r:
        alert = await r.add("iqfinex-main", "> 90000")
        r.states["iqfinex"].reprice("BTC/USDT", Decimal(80000))
        await r.feed.poll()
        assert r.fired == []
        r.states["iqfinex"].reprice("BTC/USDT", Decimal(95000))
        r.clock.now += INTERVAL_S
        await r.feed.poll()
        r.clock.now += INTERVAL_S
        await r.feed.poll()
        assert [f.alert.id for f in r.fired] == [alert]


async def test_narkasa_prices_come_from_its_stream_and_a_calm_market_costs_no_request(
    redis: Redis, keys: Keys
) -> None:
    async with rig(redis, keys, "narkasa") as r:
        alert = await r.add("narkasa-main", "> 90000")
        await r.feed.poll()  # starts the stream; until it has connected, REST stands in
        for _ in range(200):
            r.states["narkasa"].reprice("BTC/USDT", Decimal(95000))
            if r.fired:
                break
            await asyncio.sleep(0.05)
        assert [f.alert.id for f in r.fired] == [alert]
        await r.feed.poll()  # one REST round after the stream connected: what moved before it did
        rest = markets_requests(r.states["narkasa"])
        r.clock.now += 3 * INTERVAL_S  # prices hold still: the stream says nothing, and that is no news
        await r.feed.poll()
        await r.feed.poll()
        assert markets_requests(r.states["narkasa"]) == rest
        assert r.outages == []


async def test_narkasa_falls_back_to_rest_while_its_stream_is_down(redis: Redis, keys: Keys) -> None:
    async with rig(redis, keys, "narkasa") as r:
        await r.add("narkasa-main", "> 1000000")
        await r.feed.poll()
        for _ in range(200):  # connected and caught up: a round asks nothing
            before = markets_requests(r.states["narkasa"])
            await r.feed.poll()
            if markets_requests(r.states["narkasa"]) == before:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the stream never connected")
        async with aiohttp.ClientSession() as http:
            await http.post(f"{r.urls['narkasa']}/_control/ws/drop", json={"refuse_for": 60})
        for _ in range(200):  # the stream notices the drop
            before = markets_requests(r.states["narkasa"])
            await r.feed.poll()
            if markets_requests(r.states["narkasa"]) == before + 1:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("REST never stood in for the dropped stream")
        before = markets_requests(r.states["narkasa"])
        await r.feed.poll()
        assert markets_requests(r.states["narkasa"]) == before + 1  # every round while it is down


async def test_a_feed_down_for_three_intervals_is_told_once_and_once_when_back(
    redis: Redis, keys: Keys
) -> None:
    async with rig(redis, keys, "incorex") as r:
        await r.add("incorex-main", "> 1000000")
        await r.feed.poll()
        r.states["incorex"].faults.add("ticker", Fault("status", status=503))
        for _ in range(6):
            r.clock.now += INTERVAL_S
            await r.feed.poll()
        assert r.outages == [(("incorex-main",), True)]
        r.states["incorex"].faults.clear()
        for _ in range(2):
            r.clock.now += INTERVAL_S
            await r.feed.poll()
        assert r.outages == [(("incorex-main",), True), (("incorex-main",), False)]


def markets_requests(state: SimExchangeState) -> int:
    return int(state.stats()["requests"].get("market/markets", 0))


def ticker_requests(state: SimExchangeState) -> int:
    """Requests for one ticker or all of them (not balances, not markets)."""
    return sum(n for endpoint, n in state.stats()["requests"].items() if "ticker" in endpoint.lower())


async def test_price_and_portfolio_take_the_feeds_fresh_tickers_and_ask_the_exchange_once_stale(
    redis: Redis, keys: Keys
) -> None:
    async with rig(redis, keys, "iqfinex") as r:
        await r.add("iqfinex-main", "> 1000000")
        await r.feed.poll()
        fresh = FreshPrices(r.prices, max_age_s=INTERVAL_S, clock=r.clock)
        budget = TimeBudget()
        data = MarketDataService(r.accounts, ExchangerDesk(r.accounts, redis, keys, budget=budget), fresh)
        portfolio = PortfolioService(
            r.accounts,
            reads=SharedReads(redis, keys, max_age_s=0),
            quote="USDT",
            dust_threshold=Decimal(1),
            budget=budget,
            tickers=TickerCache(fresh=fresh),
        )
        state = r.states["iqfinex"]
        asked = ticker_requests(state)
        assert asked == 1  # the feed's round

        r.clock.now += INTERVAL_S - 1
        view = await data.price("iqfinex-main", "btc_usdt")
        report = await portfolio.report()
        assert view.feed_age_s == INTERVAL_S - 1
        assert report.feed_ages == {"iqfinex": INTERVAL_S - 1}
        assert report.total > 0 and not report.unpriced()
        assert ticker_requests(state) == asked  # neither asked the exchange

        r.clock.now += 1  # one interval old: stale
        view = await data.price("iqfinex-main", "BTC/USDT")
        report = await portfolio.report()
        assert view.feed_age_s is None and report.feed_ages == {}
        assert ticker_requests(state) == asked + 2  # one ticker, then all tickers


async def test_the_portfolio_takes_the_feed_only_while_every_market_in_it_is_fresh(
    redis: Redis, keys: Keys
) -> None:
    """A stream ticks the markets that move; one that stayed quiet longer than an interval is stale, and
    so is the set. A whole round replaces the set: a market the exchange no longer lists goes."""
    clock = Clock()
    book = PriceBook(redis, keys)
    fresh = FreshPrices(book, max_age_s=INTERVAL_S, clock=clock)
    btc = Ticker(symbol="BTC/USDT", last=Decimal(90000))
    eth = Ticker(symbol="ETH/USDT", last=Decimal(2500))
    await book.put_latest(["a"], [btc, eth], clock.now, whole_round=True)
    await book.put_latest(["a"], [btc], clock.now + INTERVAL_S - 1, whole_round=False)
    clock.now += INTERVAL_S
    assert await fresh.ticker("a", "BTC/USDT") == (btc, 1.0)
    assert await fresh.ticker("a", "ETH/USDT") is None
    assert await fresh.tickers("a") is None

    await book.put_latest(["a"], [btc], clock.now, whole_round=True)
    fed = await fresh.tickers("a")
    assert fed is not None and fed.tickers == {"BTC/USDT": btc} and fed.age_s == 0
