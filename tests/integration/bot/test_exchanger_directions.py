"""/directions and /price on an exchanger site with many directions, over real HTTP and Redis."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from redis.asyncio import Redis

from handlers.views.paging import View, ViewCb
from sandbox.exchanges.common import Seed, running
from sandbox.exchanges.common.seed import default_markets
from sandbox.exchanges.exchanger import SITE_KEY, ExchangerSite, create_app
from services.accounts import Account, AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.exchanger.client import ExchangerClient
from services.redis_client import Keys
from tests.integration.bot.harness import ADMIN_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import callback_update, message_update

pytestmark = pytest.mark.integration

#: 50 seed markets, each both ways: a site with 100 directions
BIG = Seed.default("exchanger").replace(
    markets=default_markets("USDT", tuple(f"C{i:02d}" for i in range(50)))
)
DIRECTION_LINE = re.compile(r"^<b>\S+ → \S+</b> · 1 = ", re.MULTILINE)


@asynccontextmanager
async def site_harness(
    redis: Redis, keys: Keys, prefix: str, seed: Seed, **options: Any
) -> AsyncIterator[tuple[Harness, ExchangerSite]]:
    app = create_app(seed, **options)
    async with running(app) as base_url:
        alice = seed.account("alice")
        config = ClientConfig(
            account="site",
            credentials=Credentials(api_key=alice.api_key, api_login=alice.api_login),
            base_url=base_url,
        )
        client = ExchangerClient(config)
        accounts = AccountRegistry([Account("site", "exchanger", client)])
        harness = build_harness(team_config(prefix), redis, keys, accounts=accounts)
        try:
            yield harness, app[SITE_KEY]
        finally:
            await harness.close()
            await client.close()


def details_requests(site: ExchangerSite) -> int:
    return site.core.requests.per_endpoint().get("get_direction", 0)


async def reply_to(harness: Harness, text: str) -> str:
    harness.session.clear()
    await harness.feed(message_update(ADMIN_ID, text))
    [reply] = harness.session.sent_texts(ADMIN_ID)
    return reply


async def test_page_one_of_a_hundred_directions_reads_only_the_directions_it_shows(
    redis: Redis, keys: Keys, key_prefix: str
) -> None:
    async with site_harness(redis, keys, key_prefix, BIG) as (harness, site):
        reply = await reply_to(harness, "/directions site")
        shown = len(DIRECTION_LINE.findall(reply))
        assert "directions 1–15 of 100" in reply
        assert "limit" not in reply and "try again" not in reply
        assert shown == 15
        assert details_requests(site) == shown
        assert "Page 1 of 7" in reply


async def test_a_second_directions_within_the_ttl_reads_no_details_again(
    redis: Redis, keys: Keys, key_prefix: str
) -> None:
    async with site_harness(redis, keys, key_prefix, BIG) as (harness, site):
        first = await reply_to(harness, "/directions site")
        before = dict(site.core.requests.per_endpoint())
        second = await reply_to(harness, "/directions site")
        assert second == first
        assert site.core.requests.per_endpoint() == before


async def test_next_page_reads_the_details_of_its_own_directions(
    redis: Redis, keys: Keys, key_prefix: str
) -> None:
    async with site_harness(redis, keys, key_prefix, BIG) as (harness, site):
        await reply_to(harness, "/directions site")
        harness.session.clear()
        await harness.feed(callback_update(ADMIN_ID, ViewCb(view=View.DIRECTIONS, arg="site", page=1).pack()))
        [page_two] = harness.session.sent_texts(ADMIN_ID)
        assert "directions 16–30 of 100" in page_two
        assert "<b>C07 → USDT</b>" not in page_two  # direction 15 is on page 1
        assert details_requests(site) == 30
        assert site.core.requests.per_endpoint()["get_directions"] == 1


async def test_a_refused_direction_is_skipped_with_a_note_and_the_rest_shows(
    redis: Redis, keys: Keys, key_prefix: str
) -> None:
    seed = Seed.default("exchanger")  # BTC->USDT, USDT->BTC, ETH->USDT, USDT->ETH
    async with site_harness(redis, keys, key_prefix, seed, refused_directions={"3"}) as (harness, _):
        reply = await reply_to(harness, "/directions site")
        assert "Skipped ETH → USDT (direction 3): the site does not open it to the API." in reply
        shown = DIRECTION_LINE.findall(reply)
        assert len(shown) == 3
        for pair in ("BTC → USDT", "USDT → BTC", "USDT → ETH"):
            assert f"<b>{pair}</b>" in reply


async def test_price_on_a_big_site_reads_only_the_direction_asked_for(
    redis: Redis, keys: Keys, key_prefix: str
) -> None:
    async with site_harness(redis, keys, key_prefix, BIG) as (harness, site):
        reply = await reply_to(harness, "/price site C07/USDT")
        assert reply.startswith("<b>C07/USDT</b> · site")
        assert details_requests(site) == 1
        unknown = await reply_to(harness, "/price site C07/EUR")
        assert unknown == "site: unknown pair"
