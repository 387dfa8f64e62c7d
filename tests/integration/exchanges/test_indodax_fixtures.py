"""Shared set-up for the Indodax integration tests: the simulator served over HTTP and clients on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.exchanges.common.seed import Seed
from sandbox.exchanges.common.server import running
from sandbox.exchanges.indodax import STATE, IndodaxState, create_app
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.exchanges.indodax.auth import AuthMode
from services.exchanges.indodax.client import IndodaxClient
from services.exchanges.ratelimit import RateLimit
from services.exchanges.transport import RetryPolicy

SEED = Seed.default("indodax", quote="IDR")
PAIR = "BTC/IDR"
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Sim:
    base_url: str
    state: IndodaxState

    def client(
        self,
        account: str = "alice",
        *,
        secret: str | None = None,
        auth_mode: AuthMode = AuthMode.TIMESTAMP,
        timeout: float = 2.0,
        rate_limits: Sequence[RateLimit] | None = None,
    ) -> IndodaxClient:
        seeded = SEED.account(account)
        config = ClientConfig(
            account=account,
            credentials=Credentials(api_key=seeded.api_key, api_secret=secret or seeded.api_secret),
            base_url=self.base_url,
            retry=FAST_RETRY,
            budget=TimeBudget(timeout),
        )
        return IndodaxClient(config, auth_mode=auth_mode, rate_limits=rate_limits)

    async def control(self, path: str, body: Mapping[str, Any]) -> Any:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.base_url}/_control/{path}", json=dict(body)) as response,
        ):
            return await response.json()

    async def tapi(self, body: bytes, headers: Mapping[str, str]) -> Any:
        """A raw TAPI request, for what a correct client never sends."""
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.base_url}/tapi", data=body, headers={**FORM, **headers}) as response,
        ):
            return await response.json()


@asynccontextmanager
async def simulator(seed: Seed = SEED, **options: Any) -> AsyncIterator[Sim]:
    app = create_app(seed, **options)
    async with running(app) as base_url:
        yield Sim(base_url, app[STATE])
