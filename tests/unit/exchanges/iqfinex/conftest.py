from collections.abc import AsyncIterator, Iterator

import pytest
from aioresponses import aioresponses

from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.iqfinex.client import IqfinexClient
from services.exchanges.transport import RetryPolicy

from . import doc_examples

BASE = "https://iqfinex.test"
API_KEY = "iqfx-live-key-0123456789"


@pytest.fixture
def http() -> Iterator[aioresponses]:
    with aioresponses() as mocked:
        mocked.get(f"{BASE}/v1/assets", body=doc_examples.ASSETS, repeat=True)
        yield mocked


@pytest.fixture
async def client() -> AsyncIterator[IqfinexClient]:
    config = ClientConfig(
        account="iq-test",
        credentials=Credentials(api_key=API_KEY),
        base_url=BASE,
        retry=RetryPolicy(attempts=1),
    )
    async with IqfinexClient(config) as iq:
        yield iq
