from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import pytest
from aioresponses import aioresponses

from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.indodax.client import IndodaxClient
from services.exchanges.transport import RetryPolicy

from . import examples

BASE = "https://indodax.com"
TAPI = f"{BASE}/tapi"
KEY = "AEDHIGAT-QATEGWOX-OPCSCPQX-2E00B1L7-VJBXXKMA"
SECRET = "f60617a68fcce028f0a90bc9eb765d17379eb548cc935c01a7ee3186eecf870e9b68f27a31bcfe8d"


def public(path: str) -> re.Pattern[str]:
    """Matches a public URL whatever its query string."""
    return re.compile(re.escape(f"{BASE}{path}") + r"(\?.*)?$")


@pytest.fixture
async def client() -> AsyncIterator[IndodaxClient]:
    config = ClientConfig(
        account="indodax-test",
        credentials=Credentials(api_key=KEY, api_secret=SECRET),
        retry=RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002),
    )
    async with IndodaxClient(config) as c:
        yield c


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    with aioresponses() as m:
        m.get(public("/api/server_time"), body=examples.SERVER_TIME, repeat=True)
        m.get(public("/api/pairs"), body=examples.PAIRS, repeat=True)
        yield m
