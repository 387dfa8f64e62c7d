"""/healthz, /metrics and the exchange callbacks of the bot's web app."""

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.metrics import BotMetrics
from bot.web import build_web_app
from bot.workers import Workers
from sandbox.net import free_port
from services.accounts import AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.feed_ages import FeedAges
from services.leader import LeaderLease
from services.outbox.queue import Outbox, Push
from services.redis_client import Keys, create_redis
from tests.integration.bot.telegram_double import RecordingSession

pytestmark = pytest.mark.integration


async def _client(
    redis: Redis,
    metrics: BotMetrics | None = None,
    accounts: AccountRegistry | None = None,
    workers: Workers | None = None,
    outbox: Outbox | None = None,
    feed: FeedAges | None = None,
) -> AsyncIterator[TestClient]:
    bot = Bot("42:TEST", session=RecordingSession())
    app = build_web_app(
        bot=bot,
        redis=redis,
        metrics=metrics or BotMetrics(),
        accounts=accounts,
        workers=workers,
        outbox=outbox,
        feed=feed,
    )
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_healthz_is_ok_when_redis_and_telegram_answer(redis: Redis) -> None:
    async for client in _client(redis):
        response = await client.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"status": "ok", "redis": "ok", "telegram": "ok"}


async def test_healthz_is_503_when_redis_is_down() -> None:
    dead = create_redis(f"redis://127.0.0.1:{free_port()}/0")
    async for client in _client(dead):
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"status": "unavailable", "redis": "unavailable", "telegram": "ok"}
    await dead.aclose()


async def test_metrics_are_prometheus_text(redis: Redis) -> None:
    metrics = BotMetrics()
    metrics.updates.labels("message").inc()
    async for client in _client(redis, metrics):
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        assert 'chatops_updates_total{type="message"} 1.0' in await response.text()


async def test_healthz_says_whether_a_leader_exists_and_if_it_is_this_copy(redis: Redis, keys: Keys) -> None:
    workers = Workers(LeaderLease(redis, keys("leader"), period_s=60))
    other = LeaderLease(redis, keys("leader"), period_s=60)
    async for client in _client(redis, workers=workers):
        assert (await (await client.get("/healthz")).json())["leader"] == "none"
        await other.claim()
        assert (await (await client.get("/healthz")).json())["leader"] == "another copy"
        await other.release()
        await workers.start()
        try:
            for _ in range(100):
                if workers.leading:
                    break
                await asyncio.sleep(0.02)
            assert (await (await client.get("/healthz")).json())["leader"] == "this copy"
        finally:
            await workers.stop()


async def test_healthz_and_metrics_tell_the_feed_age_per_exchange_and_the_outbox_depth(
    redis: Redis, keys: Keys
) -> None:
    outbox = Outbox(redis, keys)
    for n in range(3):
        await outbox.enqueue(Push(1001, (f"push {n}",)))
    now = time.time()
    # the feed's latest prices, as services/alerts keeps them: market -> "PRICE|UNIX_TIME"
    await redis.hset(
        keys("prices", "indodax-main"), mapping={"BTC/IDR": f"1000|{now - 12}", "ETH/IDR": f"5|{now - 40}"}
    )
    feed = FeedAges(redis, keys, _accounts(redis, keys), clock=lambda: now)
    metrics = BotMetrics()
    async for client in _client(redis, metrics, outbox=outbox, feed=feed):
        body = await (await client.get("/healthz")).json()
        assert body["outbox_depth"] == 3
        assert body["feed_age_s"] == {"indodax": 12.0, "exchanger": None, "narkasa": None}
        assert "chatops_outbox_depth 3.0" in await (await client.get("/metrics")).text()


def _accounts(redis: Redis, keys: Keys) -> AccountRegistry:
    credentials = Credentials(api_key="k", api_secret="s", api_login="l")
    return AccountRegistry.build(
        [
            ("indodax", ClientConfig("indodax-main", credentials, redis=redis, redis_prefix=keys.prefix)),
            ("exchanger", ClientConfig("exchanger-main", credentials, base_url="https://x.example")),
            ("narkasa", ClientConfig("narkasa-main", credentials)),
        ]
    )


async def test_indodax_callback_route_answers_ok_only_for_the_clients_own_pending_withdrawal(
    redis: Redis, keys: Keys
) -> None:
    accounts = _accounts(redis, keys)
    details = {
        "withdraw_currency": "btc",
        "withdraw_address": "bc1qours",
        "withdraw_amount": "0.1",
        "withdraw_memo": "",
        "withdraw_username": "",
    }
    async for client in _client(redis, accounts=accounts):
        forged = await client.post("/callbacks/indodax/indodax-main", data={"request_id": "x1", **details})
        assert (forged.status, await forged.text()) == (200, "refused")
        indodax = accounts.get("indodax-main").client
        await indodax.callback_endpoint().expect("ours1", details)  # type: ignore[union-attr]
        changed = {"request_id": "ours1", **details, "withdraw_address": "attacker"}
        assert await (await client.post("/callbacks/indodax/indodax-main", data=changed)).text() == "refused"
        await indodax.callback_endpoint().expect("ours2", details)  # type: ignore[union-attr]
        ours = {"request_id": "ours2", **details}
        assert await (await client.post("/callbacks/indodax/indodax-main", data=ours)).text() == "ok"
        replay = await client.post("/callbacks/indodax/indodax-main", data=ours)
        assert await replay.text() == "refused"
    await accounts.close()


async def test_an_exchanger_callback_alone_is_refused_without_the_bots_bid_checks(
    redis: Redis, keys: Keys
) -> None:
    accounts = _accounts(redis, keys)
    async for client in _client(redis, accounts=accounts):
        response = await client.post("/callbacks/exchanger/exchanger-main", json={"bid_id": "1"})
        assert response.status == 403
    await accounts.close()


@pytest.mark.parametrize(
    "path",
    [
        "/callbacks/indodax/nosuch",  # no such account
        "/callbacks/incorex/indodax-main",  # an account of another exchange
        "/callbacks/narkasa/narkasa-main",  # an exchange that never calls back
    ],
)
async def test_callbacks_to_anything_else_are_not_found(redis: Redis, keys: Keys, path: str) -> None:
    accounts = _accounts(redis, keys)
    async for client in _client(redis, accounts=accounts):
        assert (await client.post(path, data={"request_id": "1"})).status == 404
        assert (await client.get(path)).status == 405
    await accounts.close()
