"""Shared set-up for the Narkasa integration tests: the simulator served over HTTP and clients on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from sandbox.exchanges.common import STATE_KEY, SimExchangeState, running
from sandbox.exchanges.narkasa import HUB_KEY, create_app
from sandbox.exchanges.narkasa.state import NarkasaSim, default_seed
from sandbox.exchanges.narkasa.ws import StreamHub
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.narkasa.client import NarkasaClient
from services.exchanges.transport import RetryPolicy

SEED = default_seed()
PAIR = "BTC/USDT"
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


@dataclass
class Sim:
    base_url: str
    app: Any

    @property
    def state(self) -> SimExchangeState:
        return self.app[STATE_KEY]

    @property
    def hub(self) -> StreamHub:
        return self.app[HUB_KEY]

    @property
    def narkasa(self) -> NarkasaSim:
        return self.hub.sim

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/v3"

    def config(self, account: str = "alice", *, secret: str | None = None, **extra: Any) -> ClientConfig:
        seeded = SEED.account(account)
        credentials = Credentials(api_key=seeded.api_key, api_secret=secret or seeded.api_secret)
        return ClientConfig(
            account=account,
            credentials=credentials,
            base_url=self.base_url,
            ws_url=self.ws_url,
            **{"retry": FAST_RETRY, **extra},
        )

    def client(self, account: str = "alice", **kw: Any) -> NarkasaClient:
        return NarkasaClient(self.config(account, **kw))

    async def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with (
            aiohttp.ClientSession() as session,
            session.request(method, f"{self.base_url}/_control/{path}", json=body) as response,
        ):
            assert response.status == 200, await response.text()
            return await response.json()


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    app = create_app()
    async with running(app) as base_url:
        yield Sim(base_url, app)


@pytest.fixture
async def alice(sim: Sim) -> AsyncIterator[NarkasaClient]:
    async with sim.client() as client:
        yield client
