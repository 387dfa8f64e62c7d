"""The portfolio over the five demo simulators (real HTTP, real clients): one value whatever the quote."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from bot.demo_exchanges import EXCHANGES, RunningExchange, add_history, create_simulator, demo_seed_for
from bot.i18n import build_i18n
from handlers.views.holdings import portfolio_blocks
from sandbox.exchanges.common import running
from services.accounts import AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.portfolio import PortfolioService
from services.pricing import ticker_price

pytestmark = pytest.mark.integration


@contextlib.asynccontextmanager
async def demo_accounts() -> AsyncIterator[AccountRegistry]:
    """The demo's simulators (its seeds, balances and history) and one account on each, as the demo
    config names them; prices held still so the reports compared see the same market."""
    async with contextlib.AsyncExitStack() as stack:
        specs = []
        for name in EXCHANGES:
            seed = demo_seed_for(name).replace(drift_interval=0.0)
            app = create_simulator(name, seed)
            add_history(name, app, rng=random.Random(f"demo:{name}"))
            base_url = await stack.enter_async_context(running(app))
            sim = RunningExchange(name, base_url, seed.account("alice"), app)
            credentials = Credentials(sim.account.api_key, sim.account.api_secret, sim.account.api_login)
            specs.append(
                (name, ClientConfig(account=f"{name}-main", credentials=credentials, base_url=base_url))
            )
        accounts = AccountRegistry.build(specs)
        try:
            yield accounts
        finally:
            await accounts.close()


async def test_totals_in_usdt_and_in_btc_agree_within_the_spread_and_every_coin_counts() -> None:
    async with demo_accounts() as accounts:
        service = PortfolioService(accounts, quote="USDT", dust_threshold=Decimal(1))
        in_usdt = await service.report()
        in_btc = await service.report("BTC")
        btc_usdt = ticker_price((await service.tickers.get(accounts.get("incorex-main")))["BTC/USDT"])
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
