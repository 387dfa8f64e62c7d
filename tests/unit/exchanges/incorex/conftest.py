from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import pytest
from aioresponses import aioresponses

from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.transport import RetryPolicy

BASE = "https://api.incorex.com/v1"
KEY = "d876ff8da67c3731ae25d8335a4168b4"
SECRET = "1ddec0f92f297e937bdf409977df0c02"

PAIR_SETTINGS = {
    "BTC_USD": {
        "min_quantity": "0.002",
        "max_quantity": "100",
        "min_price": "0.01",
        "max_price": "100",
        "min_amount": "0.01",
        "max_amount": "300",
    }
}


def url(method: str) -> re.Pattern[str]:
    """Matches the method's URL whatever its query string."""
    return re.compile(re.escape(f"{BASE}/{method}") + r"(\?.*)?$")


@pytest.fixture
async def client() -> AsyncIterator[IncorexClient]:
    config = ClientConfig(
        account="incorex-test",
        credentials=Credentials(api_key=KEY, api_secret=SECRET),
        retry=RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002),
    )
    async with IncorexClient(config) as c:
        yield c


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    with aioresponses() as m:
        m.get(url("pair_settings"), payload=PAIR_SETTINGS, repeat=True)
        yield m
