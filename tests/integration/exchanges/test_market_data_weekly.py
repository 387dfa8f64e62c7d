"""A weekly chart on an exchange without weekly candles (Narkasa) is merged from its daily ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandbox.exchanges.common import running
from sandbox.exchanges.common.seed import demo_seed
from sandbox.exchanges.narkasa import create_app
from services.accounts import Account, AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.narkasa.client import NarkasaClient
from services.market_data import MarketDataService

pytestmark = pytest.mark.integration


async def test_narkasa_1w_is_merged_from_days_into_weeks_opening_on_monday() -> None:
    seed = demo_seed("narkasa")  # a day of back-dated trades
    alice = seed.account("alice")
    async with running(create_app(seed)) as base_url:
        config = ClientConfig(
            account="narkasa-main",
            credentials=Credentials(api_key=alice.api_key, api_secret=alice.api_secret),
            base_url=base_url,
            ws_url=base_url.replace("http://", "ws://") + "/v3",
        )
        client = NarkasaClient(config)
        try:
            data = MarketDataService(AccountRegistry([Account("narkasa-main", "narkasa", client)]), None)  # type: ignore[arg-type]
            weekly = await data.candles("narkasa-main", "BTC/USDT", "1w")
            daily = await data.candles("narkasa-main", "BTC/USDT", "1d")
        finally:
            await client.close()
    assert weekly.candles and not weekly.from_trades
    assert all(c.timestamp.weekday() == 0 and c.timestamp.hour == 0 for c in weekly.candles)
    assert weekly.candles[-1].timestamp <= datetime.now(UTC)
    assert sum(c.volume for c in weekly.candles) == sum(c.volume for c in daily.candles)
    assert max(c.high for c in weekly.candles) == max(c.high for c in daily.candles)
