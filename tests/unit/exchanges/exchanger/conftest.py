from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aioresponses import aioresponses
from yarl import URL

from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.transport import RetryPolicy

BASE = "https://exchanger.test"
LOGIN = "login-5f1c2a"
KEY = "key-9d8e7f6a5b4c3d2e1f"


def url(method: str) -> str:
    return f"{BASE}/api/userapi/v1/{method}"


def sent(mock: aioresponses, method: str) -> list[Any]:
    """The calls aioresponses saw for one API method (each has .kwargs: data, headers)."""
    return list(mock.requests.get(("POST", URL(url(method))), []))


def make_client(language: str | None = None, attempts: int = 3) -> ExchangerClient:
    return ExchangerClient(
        ClientConfig(
            account="exchanger-test",
            credentials=Credentials(api_key=KEY, api_login=LOGIN),
            base_url=BASE + "/",
            language=language,
            retry=RetryPolicy(attempts=attempts, base_delay=0.001, max_delay=0.002),
            budget=TimeBudget(0.5),
        )
    )


@pytest.fixture
async def client() -> AsyncIterator[ExchangerClient]:
    async with make_client() as exchanger:
        yield exchanger


@pytest.fixture
def mock() -> Iterator[aioresponses]:
    with aioresponses() as mocked:
        yield mocked
