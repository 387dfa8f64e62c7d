"""Shared set-up for the IncoreX integration tests: the simulator served over HTTP and a client on it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from redis.asyncio import Redis

from sandbox.exchanges.common.seed import Seed
from sandbox.exchanges.common.server import running
from sandbox.exchanges.incorex import STATE, create_app
from sandbox.exchanges.incorex.state import IncorexState
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.ratelimit import RateLimit
from services.exchanges.transport import RetryPolicy

SEED = Seed.default("incorex")
PAIR = "BTC/USDT"
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


@dataclass
class Sim:
    base_url: str
    state: IncorexState

    def client(
        self,
        account: str = "alice",
        *,
        secret: str | None = None,
        redis: Redis | None = None,
        redis_prefix: str = "chatops",
        rate_limits: Sequence[RateLimit] | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy = FAST_RETRY,
    ) -> IncorexClient:
        seeded = SEED.account(account)
        credentials = Credentials(api_key=seeded.api_key, api_secret=secret or seeded.api_secret)
        config = ClientConfig(
            account=account,
            credentials=credentials,
            base_url=self.base_url,
            retry=retry,
            budget=TimeBudget(timeout),
            redis=redis,
            redis_prefix=redis_prefix,
        )
        return IncorexClient(config, rate_limits=rate_limits)

    async def control(self, path: str, body: dict[str, Any]) -> Any:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.base_url}/_control/{path}", json=body) as response,
        ):
            assert response.status == 200, await response.text()
            return await response.json()


@asynccontextmanager
async def simulator(**options: Any) -> AsyncIterator[Sim]:
    app = create_app(SEED, **options)
    async with running(app) as base_url:
        yield Sim(base_url, app[STATE])


@asynccontextmanager
async def shared_redis() -> AsyncIterator[tuple[Redis, str]]:
    """Real Redis under a unique prefix, removed afterwards (other engineers' tests share the server)."""
    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    prefix = f"test-incorex-{uuid.uuid4().hex}"
    try:
        yield redis, prefix
    finally:
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)
        await redis.aclose()
