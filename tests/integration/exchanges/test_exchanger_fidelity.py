"""What premium-exchanger.txt says about languages and bids, against the simulator over real HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from redis.asyncio import Redis

from services.accounts import Account, AccountRegistry
from services.exchanger_desk import RECENT_BIDS, ExchangerDesk
from services.exchanges import errors
from services.exchanges.budget import TimeBudget
from services.redis_client import Keys

from .test_exchanger_fixtures import BTC_USDT, simulator

# "API-LANG — forced use of the specified language (optional). Example: ru_RU, en_US." The error texts
# the document lists ("Direction not found", "No bid exists", ...) then come in that language.


async def test_a_read_error_is_recognised_in_any_site_language() -> None:
    async with simulator() as sim, sim.client(language="ru_RU") as client:
        with pytest.raises(errors.UnknownPair):
            await client.get_direction("999")


async def test_a_write_error_is_recognised_in_any_site_language() -> None:
    async with simulator() as sim, sim.client(language="ru_RU") as client:
        with pytest.raises(errors.OrderNotFound):
            await client.cancel_bid("0" * 32)


async def test_bids_are_the_newest_ones_newest_first(redis: Redis, keys: Keys) -> None:
    # get_exchanges: "limit — Number of requests to display"; the document does not say which come first
    async with simulator() as sim, sim.client() as client:
        direction = sim.site.directions[BTC_USDT]
        made = []
        for _ in range(RECENT_BIDS + 5):
            made.append(sim.site.bids.create("alice", direction, Decimal("0.001"), Decimal(59), api_id=""))
            sim.clock.advance(60)
        registry = AccountRegistry([Account("site", "exchanger", client)])
        (result,) = await ExchangerDesk(registry, redis, keys, budget=TimeBudget()).bids()
    assert result.value is not None
    assert [b.id for b in result.value] == [b.id for b in reversed(made)][:RECENT_BIDS]
