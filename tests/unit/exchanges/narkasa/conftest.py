from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import pytest
from aioresponses import aioresponses
from yarl import URL

from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.narkasa.client import NarkasaClient
from services.exchanges.transport import RetryPolicy

API_KEY = "Y0AhbfGmVA8FG7kPN6a9PB7UOpwnlvKG4bI5Jc57awpKv4uKN9UX114EPRTcKuhX"
API_SECRET = "7v5TnUBX92lgKWlODJbRn3FIoriHNihB3PHFi591Do5ip9DLrCvx0bn9dHZKFZRS"
API = "https://api.narkasa.com/v3/api/"

MARKETS = {
    "code": "00000",
    "markets": [
        {
            "symbol": "BTCTRY",
            "name": "Bitcoin",
            "firstSymbol": "BTC",
            "secondSymbol": "TRY",
            "changeAmount": 498,
            "changePercent": 0.83,
            "last": 60000,
            "firstBid": 59999,
            "firstAsk": 60001,
            "open": 59502,
            "high": 61000,
            "low": 59000,
            "avg": 60002,
            "volume": 2,
            "openTime": 1577738760005,
            "tradeCount": 23,
        },
        {"symbol": "BTCUSDT", "firstSymbol": "BTC", "secondSymbol": "USDT", "last": 9500, "volume": 1},
    ],
}


def url(path: str) -> re.Pattern[str]:
    """Matches the path whatever query string (timestamp, signature) it carries."""
    return re.compile("^" + re.escape(API + path) + r"(\?.*)?$")


@pytest.fixture
def http() -> Iterator[aioresponses]:
    with aioresponses() as mocked:
        yield mocked


@pytest.fixture
async def client(http: aioresponses) -> AsyncIterator[NarkasaClient]:
    http.get(url("market/markets"), payload=MARKETS, repeat=True)
    config = ClientConfig(
        account="test",
        credentials=Credentials(api_key=API_KEY, api_secret=API_SECRET),
        retry=RetryPolicy(attempts=2, base_delay=0.0, max_delay=0.0),
    )
    async with NarkasaClient(config) as narkasa:
        yield narkasa


def sent(http: aioresponses, path: str) -> list[tuple[str, URL]]:
    """(method, URL) of every distinct request sent to ``path``."""
    return [(method, u) for (method, u) in http.requests if u.path == "/v3/api/" + path]
