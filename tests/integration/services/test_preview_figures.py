"""Previews take the exchange's own figures where it offers them (real HTTP to the simulators): an IncoreX
market buy is priced by ``required_amount`` (the book walked for the whole amount, not its best ask), and a
bid shows the site's commission from ``get_calc``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from sandbox.exchanges.common import STATE_KEY, running
from sandbox.exchanges.common.seed import Seed
from sandbox.exchanges.exchanger import SITE_KEY, ExchangerSite
from sandbox.exchanges.exchanger import create_app as create_site
from sandbox.exchanges.incorex import create_app as create_incorex
from services.accounts import AccountRegistry
from services.actions.engine import ActionEngine
from services.actions.store import ActionStore
from services.audit import AuditLog
from services.bids import BidDesk, BidRequest, SiteFee
from services.exchanger_desk import ExchangerDesk
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.exchanges.models import OrderSide
from services.orders.desk import OrderDesk
from services.orders.ticket import OrderRequest
from services.redis_client import Keys

pytestmark = pytest.mark.integration

CAROL = 1003


def accounts_on(name: str, seed: Seed, base_url: str) -> AccountRegistry:
    alice = seed.account("alice")
    credentials = Credentials(alice.api_key, alice.api_secret, alice.api_login)
    return AccountRegistry.build([(name, ClientConfig(f"{name}-main", credentials, base_url))])


async def test_an_incorex_market_buy_is_priced_by_required_amount(redis: Redis, keys: Keys) -> None:
    seed = Seed.default("incorex").replace(drift_interval=0.0)
    app = create_incorex(seed)
    async with running(app) as base_url:
        accounts = accounts_on("incorex", seed, base_url)
        store = ActionStore(redis, keys)
        desk = OrderDesk(
            accounts,
            store,
            ActionEngine(store),
            AuditLog(redis, keys),
            price_guard=Decimal("0.1"),
            confirm_ttl_s=60,
        )
        state = app[STATE_KEY]
        asks = state.book("BTC/USDT").depth().asks
        amount = asks[0][1] + asks[1][1] / 2  # more than the best ask holds: the walk costs more
        try:
            previewed = await desk.preview(
                CAROL, CAROL, OrderRequest("incorex-main", "BTC/USDT", OrderSide.BUY, amount)
            )
        finally:
            await accounts.close()
    walked = asks[0][0] * asks[0][1] + asks[1][0] * (asks[1][1] / 2)
    preview = previewed.preview
    assert preview.quoted and preview.total == walked
    assert preview.total > amount * asks[0][0]  # not the best ask times the amount
    assert state.requests.count("required_amount") == 1


async def test_a_limit_buy_on_incorex_does_not_ask_required_amount(redis: Redis, keys: Keys) -> None:
    seed = Seed.default("incorex").replace(drift_interval=0.0)
    app = create_incorex(seed)
    async with running(app) as base_url:
        accounts = accounts_on("incorex", seed, base_url)
        store = ActionStore(redis, keys)
        desk = OrderDesk(
            accounts,
            store,
            ActionEngine(store),
            AuditLog(redis, keys),
            price_guard=Decimal("0.1"),
            confirm_ttl_s=60,
        )
        mid = app[STATE_KEY].book("BTC/USDT").reference_price()
        assert mid is not None
        price = (mid * Decimal("0.97")).quantize(Decimal("0.01"))
        try:
            request = OrderRequest("incorex-main", "BTC/USDT", OrderSide.BUY, Decimal("0.01"), price)
            previewed = await desk.preview(CAROL, CAROL, request)
        finally:
            await accounts.close()
    assert not previewed.preview.quoted and previewed.preview.total == Decimal("0.01") * price
    assert app[STATE_KEY].requests.count("required_amount") == 0


@pytest.fixture
async def site(redis: Redis, keys: Keys) -> AsyncIterator[tuple[BidDesk, ExchangerSite]]:
    seed = Seed.default("exchanger")
    app = create_site(seed)
    async with running(app) as base_url:
        accounts = accounts_on("exchanger", seed, base_url)
        exchanger = ExchangerDesk(accounts, redis, keys, budget=TimeBudget(5))
        try:
            yield (
                BidDesk(exchanger, ActionStore(redis, keys), AuditLog(redis, keys), confirm_ttl_s=60),
                app[SITE_KEY],
            )
        finally:
            await accounts.close()


async def test_a_bid_preview_shows_the_sites_commission_from_its_calculator(
    site: tuple[BidDesk, ExchangerSite],
) -> None:
    desk, sim = site
    direction = sim.directions["1"]  # BTC -> USDT
    direction.commission = Decimal("0.005")
    _give, get = direction.amounts(Decimal("0.01"), 1)

    previewed = await desk.preview(
        CAROL, CAROL, BidRequest("exchanger-main", "1", Decimal("0.01"), "TXpayout01")
    )

    assert previewed.fees == [SiteFee(get - direction.after_commission(get), "USDT", "0.5%")]
    assert previewed.calc.sum_get_com == direction.after_commission(get)


async def test_a_site_without_commission_shows_none(site: tuple[BidDesk, ExchangerSite]) -> None:
    desk, _sim = site
    previewed = await desk.preview(
        CAROL, CAROL, BidRequest("exchanger-main", "1", Decimal("0.01"), "TXpayout01")
    )
    assert previewed.fees == []
