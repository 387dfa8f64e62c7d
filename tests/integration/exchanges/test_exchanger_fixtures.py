"""Shared set-up for the exchanger integration tests: the simulated site over HTTP and clients on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.exchanges.common import Clock, Seed, SimExchangeState, running
from sandbox.exchanges.exchanger import SITE_KEY, ExchangerSite, create_app
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.transport import RetryPolicy

SEED = Seed.default("exchanger")
BTC_USDT = "1"  # direction ids follow the seed markets: BTC->USDT, USDT->BTC, ETH->USDT, USDT->ETH
USDT_BTC = "2"
WALLET = "TXsimulatedwallet0001"


@dataclass
class Sim:
    base_url: str
    site: ExchangerSite

    @property
    def core(self) -> SimExchangeState:
        return self.site.core

    @property
    def clock(self) -> Clock:
        return self.site.core.clock

    def client(
        self,
        account: str = "alice",
        *,
        key: str | None = None,
        login: str | None = None,
        language: str | None = None,
        timeout: float = 2.0,
    ) -> ExchangerClient:
        seeded = SEED.account(account)
        credentials = Credentials(api_key=key or seeded.api_key, api_login=login or seeded.api_login)
        config = ClientConfig(
            account=account,
            credentials=credentials,
            base_url=self.base_url,
            language=language,
            retry=RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02),
            budget=TimeBudget(timeout),
        )
        return ExchangerClient(config)

    async def control(self, path: str, body: dict[str, Any]) -> Any:
        async with aiohttp.ClientSession() as session, session.post(self.base_url + path, json=body) as r:
            return await r.json()


@asynccontextmanager
async def simulator(**options: Any) -> AsyncIterator[Sim]:
    app = create_app(SEED, **options)
    async with running(app) as base_url:
        yield Sim(base_url, app[SITE_KEY])


@asynccontextmanager
async def callback_receiver() -> AsyncIterator[tuple[str, list[dict[str, str]]]]:
    """A stand-in for the bot's callback endpoint: records every form POSTed to it."""
    received: list[dict[str, str]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append({k: str(v) for k, v in (await request.post()).items()})
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/exchanger/callback", hook)
    async with running(app) as base_url:
        yield f"{base_url}/exchanger/callback", received
