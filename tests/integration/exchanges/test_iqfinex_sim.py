"""The Iqfinex simulator itself: runnable from the command line, the document's error shapes and statuses,
its own checks. Also holds the helpers the other test_iqfinex_* modules use."""

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp

from sandbox.exchanges.common import Seed, running
from sandbox.exchanges.iqfinex import STATE, IqfinexState, create_app
from sandbox.net import free_port
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.iqfinex.client import IqfinexClient
from services.exchanges.transport import RetryPolicy

SEED = Seed.default("iqfinex")
ALICE = SEED.account("alice").api_key  # isTrade and isWithdrawal
VIEWER = SEED.account("viewer").api_key  # neither


def make_client(url: str, api_key: str = ALICE, **config: Any) -> IqfinexClient:
    config.setdefault("retry", RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05))
    return IqfinexClient(
        ClientConfig(account="iq-it", credentials=Credentials(api_key=api_key), base_url=url, **config)
    )


@contextlib.asynccontextmanager
async def simulator(seed: Seed = SEED, **options: Any) -> AsyncIterator[tuple[IqfinexState, str]]:
    app = create_app(seed, **options)
    async with running(app) as url:
        yield app[STATE], url


@contextlib.asynccontextmanager
async def iqfinex(
    api_key: str = ALICE, *, seed: Seed = SEED, options: dict[str, Any] | None = None, **config: Any
) -> AsyncIterator[tuple[IqfinexState, IqfinexClient]]:
    async with (
        simulator(seed, **(options or {})) as (state, url),
        make_client(url, api_key, **config) as client,
    ):
        yield state, client


async def raw(url: str, method: str, path: str, **kwargs: Any) -> tuple[int, Any, dict[str, str]]:
    async with aiohttp.ClientSession() as session, session.request(method, url + path, **kwargs) as answer:
        return answer.status, await answer.json(), dict(answer.headers)


async def test_runs_from_the_command_line() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox.exchanges",
        "iqfinex",
        "--port",
        str(port),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        for _ in range(2):  # the simulator's name, then the address it serves
            line = await asyncio.wait_for(process.stdout.readline(), timeout=20)
        assert f":{port}" in line.decode()
        status, body, _ = await raw(f"http://127.0.0.1:{port}", "GET", "/v1/assets")
        assert status == 200
        assert {row["pair"] for row in body["data"]} == {"BTCUSDT", "ETHUSDT"}
    finally:
        process.terminate()
        await process.wait()


async def test_a_wrong_key_gets_401_in_the_error_shape() -> None:
    async with simulator() as (_, url):
        status, body, _ = await raw(url, "GET", "/v1/balance", headers={"Authorization": "nope"})
    assert (status, body) == (401, {"status": 401, "message": "Invalid login data"})


async def test_a_key_without_trade_right_gets_402() -> None:
    async with simulator() as (state, url):
        order = {"asset": "BTCUSDT", "cmd": "buy", "volume": 0.01}
        status, body, _ = await raw(url, "POST", "/v1/order", json=order, headers={"Authorization": VIEWER})
        assert state.orders_of("viewer") == []
    assert (status, body["status"]) == (402, 402)


async def test_an_expired_key_gets_403() -> None:
    async with simulator(expired_keys=[ALICE]) as (_, url):
        status, _, _ = await raw(url, "GET", "/v1/account/info", headers={"Authorization": ALICE})
    assert status == 403


async def test_volume_below_min_volume_is_refused_with_400() -> None:
    async with simulator() as (state, url):
        order = {"asset": "BTCUSDT", "cmd": "buy", "volume": 0.00001, "price": 100}
        status, body, _ = await raw(url, "POST", "/v1/order", json=order, headers={"Authorization": ALICE})
        assert state.orders_of("alice") == []
    assert status == 400
    assert "minimal volume" in body["message"]


async def test_price_finer_than_accuracy_is_refused() -> None:
    async with simulator() as (_, url):
        order = {"asset": "BTCUSDT", "cmd": "buy", "volume": 0.01, "price": 100.001}
        status, _, _ = await raw(url, "POST", "/v1/order", json=order, headers={"Authorization": ALICE})
    assert status == 400


async def test_a_burst_beyond_the_limit_gets_429_with_retry_after() -> None:
    async with simulator() as (_, url):
        answers = await asyncio.gather(*(raw(url, "GET", "/v1/tickers") for _ in range(8)))
    refused = [headers for status, _, headers in answers if status == 429]
    assert len(refused) == 3
    assert all("Retry-After" in headers for headers in refused)


async def test_money_is_written_as_json_numbers() -> None:
    async with (
        simulator() as (_, url),
        aiohttp.ClientSession() as session,
        session.get(url + "/v1/balance", headers={"Authorization": ALICE}) as answer,
    ):
        text = await answer.text()
    assert '"BTC":{"balance":2,"free_balance":2}' in text


async def test_control_route_sets_a_balance_the_api_shows() -> None:
    async with simulator() as (_, url), make_client(url) as client:
        await raw(url, "POST", "/_control/balance", json={"account": "alice", "asset": "BTC", "free": "7.5"})
        assert (await client.fetch_balance()).get("BTC").free == Decimal("7.5")
