"""The simulator checks Narkasa's signing as the document says, and the client passes it."""

from __future__ import annotations

import time
from decimal import Decimal

import aiohttp
import pytest

from services.exchanges import errors
from services.exchanges.narkasa.auth import hmac_sha256_hex
from services.exchanges.narkasa.client import NarkasaClient

from .test_narkasa_fixtures import SEED, Sim, alice, sim

__all__ = ["alice", "sim"]

ALICE = SEED.account("alice")


async def signed_get(sim: Sim, query: str, secret: str = ALICE.api_secret) -> tuple[int, dict[str, str]]:
    url = f"{sim.base_url}/v3/api/balance/wallet?{query}&signature={hmac_sha256_hex(secret, query)}"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers={"X-APNK-APIKEY": ALICE.api_key}) as response,
    ):
        return response.status, await response.json()


def now_ms() -> int:
    return int(time.time() * 1000)


async def test_a_correctly_signed_request_is_accepted(sim: Sim) -> None:
    status, body = await signed_get(sim, f"timestamp={now_ms()}")
    assert (status, body["code"]) == (200, "00000")


async def test_wrong_signature_is_refused(sim: Sim) -> None:
    status, body = await signed_get(sim, f"timestamp={now_ms()}", secret="0" * 64)
    assert (status, body["code"]) == (401, "20001")


async def test_client_with_a_wrong_secret_gets_an_authentication_error(sim: Sim) -> None:
    async with sim.client(secret="0" * 64) as client:
        with pytest.raises(errors.AuthenticationError) as caught:
            await client.fetch_balance()
    assert caught.value.code == "20001" and "0" * 64 not in str(caught.value)


async def test_missing_timestamp_is_refused(sim: Sim) -> None:
    status, body = await signed_get(sim, "windowSize=5000")
    assert (status, body["code"]) == (401, "20003")


async def test_stale_timestamp_is_refused(sim: Sim) -> None:
    status, body = await signed_get(sim, f"timestamp={now_ms() - 11_000}")
    assert (status, body["code"]) == (401, "20004")


async def test_window_size_widens_the_window(sim: Sim) -> None:
    status, body = await signed_get(sim, f"timestamp={now_ms() - 11_000}&windowSize=20000")
    assert (status, body["code"]) == (200, "00000")


async def test_window_size_narrows_the_window(sim: Sim) -> None:
    status, body = await signed_get(sim, f"timestamp={now_ms() - 3_000}&windowSize=1000")
    assert (status, body["code"]) == (401, "20004")


async def test_client_with_a_wrong_clock_resynchronises_once(sim: Sim, alice: NarkasaClient) -> None:
    alice.clock.offset_ms = -60_000
    await alice.fetch_balance()
    assert sim.state.requests.count("balance/wallet") == 2
    assert sim.state.requests.count("time") == 1
    assert abs(alice.clock.offset_ms) < 2_000


async def test_server_clock_ahead_is_followed(sim: Sim, alice: NarkasaClient) -> None:
    sim.state.clock.advance(120)
    await alice.fetch_time()
    assert (await alice.fetch_balance()).get("BTC").free == Decimal(2)
    assert sim.state.requests.count("balance/wallet") == 1


async def test_parameters_with_reserved_characters_are_signed_as_sent(alice: NarkasaClient) -> None:
    withdrawal = await alice.withdraw(
        "BTC", Decimal("0.1"), "bc1qexampleaddress0001", memo="a/b:c d+e", network="BTC"
    )
    assert withdrawal.memo == "a/b:c d+e"


async def test_unknown_key_is_refused(sim: Sim) -> None:
    query = f"timestamp={now_ms()}"
    url = f"{sim.base_url}/v3/api/balance/wallet?{query}&signature={hmac_sha256_hex(ALICE.api_secret, query)}"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers={"X-APNK-APIKEY": "nobody"}) as response,
    ):
        assert (await response.json())["code"] == "20001"


async def test_missing_key_header_is_authorization_required(sim: Sim) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{sim.base_url}/v3/api/balance/wallet") as response,
    ):
        assert (await response.json())["code"] == "20000"
