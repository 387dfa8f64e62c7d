"""The price feed's cost, end to end: the real bot's round sends the simulators the same number of
ticker requests with 10 alerts as with 10,000 (counted by the simulators, GET /_control/stats), and
none to exchanges without alerts; /price and /portfolio answer from the feed's fresh prices without
asking for them again.

The interval is an hour, so each bot start makes exactly one round: the one right after it leads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from demo.exchanges import RunningExchange, running_exchanges
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, SentMessage, running_emulator
from services.alerts.conditions import parse_condition
from services.alerts.store import AlertStore
from services.redis_client import Keys, create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets
from tests.e2e.monitoring_stack import write_monitoring_config

pytestmark = pytest.mark.asyncio(loop_scope="module")

ACCOUNT, PAIR = "iqfinex-main", "BTC/USDT"
DAVE = 1005
ROUND_WAIT_STEPS = 600  # the first round follows the first lease claim, right after start-up


async def stats(exchange: RunningExchange, http: aiohttp.ClientSession) -> dict[str, Any]:
    async with http.get(f"{exchange.base_url}/_control/stats") as reply:
        body: dict[str, Any] = await reply.json()
        return body


async def started_after_one_round(
    directory: Path, api_url: str, prefix: str, exchanges: list[RunningExchange]
) -> BotProcess:
    """Start the bot and wait for its first round's prices in Redis (the next is an hour away)."""
    secrets = BotSecrets()
    port = free_port()
    config = write_monitoring_config(
        directory,
        api_url=api_url,
        redis_url=REDIS_URL,
        redis_prefix=prefix,
        web_port=port,
        exchanges=exchanges,
        token=secrets.token,
        extra={"alerts": {"poll_interval_s": 3600}},
    )
    redis = create_redis(REDIS_URL)
    prices = Keys(prefix)("prices", ACCOUNT)
    await redis.delete(prices)
    process = BotProcess(config, port, {})
    await process.start()
    try:
        for _ in range(ROUND_WAIT_STEPS):
            if await redis.hexists(prices, PAIR):  # type: ignore[misc]
                return process
            await asyncio.sleep(0.1)
        await process.stop()
        raise AssertionError(f"no prices from the feed:\n{process.output}")
    finally:
        await redis.aclose()


async def one_round(directory: Path, api_url: str, prefix: str, exchanges: list[RunningExchange]) -> None:
    await (await started_after_one_round(directory, api_url, prefix, exchanges)).stop()


async def reset_stats(exchanges: list[RunningExchange], http: aiohttp.ClientSession) -> None:
    for exchange in exchanges:
        async with http.post(f"{exchange.base_url}/_control/reset-stats") as reply:
            assert reply.status == 200


def feed_requests(requests: dict[str, int]) -> dict[str, int]:
    """Leaves out the watchers' polls of transfer history and of orders (with the market lists an order is
    read by, Narkasa's user stream resync of orders, trades and wallet), and the server time some clients
    ask before their first private call: not the feed's."""
    # Narkasa's websocket ("ws") carries the watchers' user stream as well: the feed's use of it is its
    # ticker subscriptions, counted apart (ticker_subscriptions)
    theirs = (
        "history",
        "server_time",
        "order",
        "trades",
        "wallet",
        "pair_settings",
        "pairs",
        "markets",
        "ws",
    )
    return {ep: n for ep, n in requests.items() if not any(word in ep.lower() for word in theirs)}


async def ticker_subscriptions(exchanges: list[RunningExchange], http: aiohttp.ClientSession) -> int:
    """Subscriptions Narkasa's websocket has taken so far (the feed's ticker streams)."""
    narkasa = next(e for e in exchanges if e.name == "narkasa")
    async with http.get(f"{narkasa.base_url}/_control/ws") as reply:
        return int((await reply.json())["subscribe"])


async def test_a_round_costs_the_same_requests_with_10_alerts_as_with_10000(tmp_path: Path) -> None:
    prefix = f"test-e2e-feed-{BotSecrets().env_var.lower()}"
    redis = create_redis(REDIS_URL)
    store = AlertStore(redis, Keys(prefix), hysteresis=Decimal("0.005"), max_per_member=100_000)
    try:
        async with (
            running_emulator() as (api_url, _app),
            running_exchanges() as exchanges,
            aiohttp.ClientSession() as http,
        ):
            counts = []
            for total in (10, 10_000):
                mine = len(await store.of_member(DAVE))
                for n in range(mine, total):
                    await store.create(
                        DAVE, ACCOUNT, PAIR, parse_condition(f"> {10**7 + n}".split()), None, 0.0
                    )
                await reset_stats(exchanges, http)
                subscribed = await ticker_subscriptions(exchanges, http)
                (tmp_path / str(total)).mkdir()
                await one_round(tmp_path / str(total), api_url, prefix, exchanges)
                counts.append({e.name: feed_requests((await stats(e, http))["requests"]) for e in exchanges})
                assert await ticker_subscriptions(exchanges, http) == subscribed  # no alert on Narkasa
            with_10, with_10000 = counts
            assert with_10["iqfinex"].get("tickers") == 1
            assert with_10000["iqfinex"].get("tickers") == with_10["iqfinex"].get("tickers")
            for name in ("incorex", "indodax", "narkasa", "exchanger"):
                assert with_10[name] == with_10000[name] == {}, name  # no alerts there: not asked
    finally:
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            await redis.delete(key)
        await redis.aclose()


def has_text(needle: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.from_bot and needle in (m.text or m.caption or "")


def ticker_requests(requests: dict[str, int]) -> int:
    return sum(n for endpoint, n in requests.items() if "ticker" in endpoint.lower())


async def test_price_and_portfolio_answer_from_the_fresh_feed_without_a_ticker_request(
    tmp_path: Path,
) -> None:
    prefix = f"test-e2e-fresh-{BotSecrets().env_var.lower()}"
    redis = create_redis(REDIS_URL)
    store = AlertStore(redis, Keys(prefix), hysteresis=Decimal("0.005"), max_per_member=100)
    try:
        await store.create(DAVE, ACCOUNT, PAIR, parse_condition(["<", "1"]), None, 0.0)
        async with (
            running_emulator() as (api_url, _app),
            running_exchanges() as exchanges,
            aiohttp.ClientSession() as http,
            EmulatorClient(api_url) as client,
        ):
            bot = await started_after_one_round(tmp_path, api_url, prefix, exchanges)
            try:
                await reset_stats(exchanges, http)
                await client.send(DAVE, f"/price {ACCOUNT} {PAIR}")
                await client.wait_for(DAVE, has_text("From the price feed"), timeout=30)
                await client.send(DAVE, "/portfolio")
                await client.wait_for(DAVE, has_text("Prices from the price feed: iqfinex"), timeout=60)
                by_name = {e.name: (await stats(e, http))["requests"] for e in exchanges}
            finally:
                await bot.stop()
        assert ticker_requests(by_name["iqfinex"]) == 0, by_name["iqfinex"]
        # the feed follows no alert on Indodax: the portfolio asks it for its tickers
        assert ticker_requests(by_name["indodax"]) >= 1, by_name["indodax"]
    finally:
        async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
            await redis.delete(key)
        await redis.aclose()
