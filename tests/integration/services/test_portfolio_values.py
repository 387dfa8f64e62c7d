"""The portfolio over the five demo simulators (real HTTP, real clients): one value whatever the quote."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from bot.i18n import build_i18n
from demo.exchanges import DEMO_ACCOUNT, EXCHANGES, add_history, create_simulator, demo_seed_for
from handlers.views.holdings import portfolio_blocks
from sandbox.exchanges.common import STATE_KEY, SimExchangeState, running
from services.accounts import AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.portfolio import PortfolioService
from services.pricing import ticker_price
from services.read_cache import SharedReads
from services.redis_client import Keys

pytestmark = pytest.mark.integration


@contextlib.asynccontextmanager
async def demo_accounts() -> AsyncIterator[tuple[AccountRegistry, dict[str, SimExchangeState]]]:
    """The demo's simulators (its seeds, balances and history) and one account on each, as the demo
    config names them; prices held still so the reports compared see the same market."""
    async with contextlib.AsyncExitStack() as stack:
        specs, states = [], {}
        for name in EXCHANGES:
            seed = demo_seed_for(name).replace(drift_interval=0.0)
            app = create_simulator(name, seed)
            add_history(name, app, rng=random.Random(f"demo:{name}"))
            base_url = await stack.enter_async_context(running(app))
            states[name] = app[STATE_KEY]
            demo = seed.account(DEMO_ACCOUNT)
            credentials = Credentials(demo.api_key, demo.api_secret, demo.api_login)
            specs.append(
                (name, ClientConfig(account=f"{name}-main", credentials=credentials, base_url=base_url))
            )
        accounts = AccountRegistry.build(specs)
        try:
            yield accounts, states
        finally:
            await accounts.close()


def usdt_portfolio(accounts: AccountRegistry, redis: Redis, keys: Keys) -> PortfolioService:
    # every report reads anew: these tests change the simulators between reports
    reads = SharedReads(redis, keys, max_age_s=0)
    return PortfolioService(
        accounts, reads=reads, quote="USDT", dust_threshold=Decimal(1), budget=TimeBudget()
    )


async def test_totals_in_usdt_and_in_btc_agree_within_the_spread_and_every_coin_counts(
    redis: Redis, keys: Keys
) -> None:
    async with demo_accounts() as (accounts, _):
        service = usdt_portfolio(accounts, redis, keys)
        in_usdt = await service.report()
        in_btc = await service.report("BTC")
        btc_usdt = ticker_price((await service.tickers.get(accounts.get("incorex-main"))).tickers["BTC/USDT"])
    assert btc_usdt is not None
    for report in (in_usdt, in_btc):
        assert not report.failures and not report.unpriced() and not report.uncertain()
    spread = demo_seed_for("incorex").market("BTC/USDT").spread
    assert abs(in_btc.total * btc_usdt / in_usdt.total - 1) <= spread
    # LTC (held on three exchanges) is worth its LTC/USDT price in BTC, not next to nothing
    ltc = sum((h.total for h in in_btc.holdings if h.asset == "LTC"), Decimal(0))
    assert ltc > 0
    assert abs(in_btc.by_asset()["LTC"] * btc_usdt / (ltc * 80) - 1) <= spread
    # and the BTC view lists it: the dust threshold (1 USDT) is not read as 1 BTC
    with build_i18n().context():
        by_asset = "\n".join(portfolio_blocks(in_btc)).split("By asset", 1)[1]
    assert "<code>LTC</code>" in by_asset


async def test_a_market_gone_wrong_makes_the_price_uncertain_and_leaves_it_out_of_the_total(
    redis: Redis, keys: Keys
) -> None:
    async with demo_accounts() as (accounts, states):
        # the demo's old mistake, made on a running simulator: LTC/IDR at 100 IDR
        states["indodax"].reprice("LTC/IDR", Decimal(100))
        service = usdt_portfolio(accounts, redis, keys)
        report = await service.report("IDR")
    uncertain = report.uncertain()
    assert {h.asset for h in uncertain} == {"LTC"}
    assert len(uncertain) == len([h for h in report.holdings if h.asset == "LTC"]) > 1  # every account's
    for holding in uncertain:
        by_route = {v.path: v.value / holding.total for v in holding.disputed}
        assert by_route[("LTC", "IDR")] < 101  # the direct market, trusted first
        assert 1_300_000 < by_route[("LTC", "USDT", "IDR")] < 1_370_000  # the check that caught it
    assert report.total == sum((h.value for h in report.holdings if h.value is not None), Decimal(0))
    assert "LTC" not in report.by_asset()
    with build_i18n().context():
        text = "\n".join(portfolio_blocks(report))
    assert f"{len(uncertain)} holdings whose price is uncertain" in text.split("By account", 1)[0]
    assert text.count("price uncertain: ") == len(uncertain)
