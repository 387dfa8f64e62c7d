"""The simulator checks Key, Sign over the exact body and growing nonces; clients share nonces via Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from urllib.parse import urlencode

import aiohttp
import pytest

from services.exchanges import errors
from services.exchanges.incorex.auth import sign
from services.exchanges.models import OrderSide, OrderType

from .test_incorex_fixtures import PAIR, SEED, Sim, shared_redis, simulator

ALICE = SEED.account("alice")


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator() as running_sim:
        yield running_sim


async def post_signed(sim: Sim, body: bytes, secret: str = ALICE.api_secret) -> dict[str, object]:
    headers = {
        "Key": ALICE.api_key,
        "Sign": sign(secret, body),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sim.base_url}/v1/user_info", data=body, headers=headers) as response,
    ):
        result: dict[str, object] = await response.json()
        return result


async def test_a_wrong_secret_is_rejected(sim: Sim) -> None:
    async with sim.client(secret="0" * 64) as client:
        with pytest.raises(errors.AuthenticationError) as raised:
            await client.fetch_balance()
    assert not isinstance(raised.value, errors.InvalidNonce)


async def test_a_signature_over_other_bytes_is_rejected(sim: Sim) -> None:
    signed_for = b"nonce=1"
    headers = {"Key": ALICE.api_key, "Sign": sign(ALICE.api_secret, signed_for)}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sim.base_url}/v1/user_info", data=b"nonce=1&x=2", headers=headers) as response,
    ):
        answer = await response.json()
    assert (answer["status"], answer["id"]) == ("error", 40005)


async def test_an_unknown_key_is_rejected(sim: Sim) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sim.base_url}/v1/user_info", data=b"nonce=1", headers={"Key": "nobody"}) as response,
    ):
        assert (await response.json())["id"] == 40017


async def test_a_reused_nonce_is_rejected(sim: Sim) -> None:
    body = urlencode({"nonce": 1_000}).encode()
    assert "uid" in await post_signed(sim, body)
    answer = await post_signed(sim, body)
    assert (answer["status"], answer["id"]) == ("error", 40009)
    assert "1000" in str(answer["msg"])


async def test_a_lower_nonce_is_rejected(sim: Sim) -> None:
    assert "uid" in await post_signed(sim, b"nonce=5000")
    assert (await post_signed(sim, b"nonce=4999"))["id"] == 40009


async def test_the_client_resynchronises_past_a_nonce_the_server_has_seen(sim: Sim) -> None:
    far_ahead = 10**16  # another program used this key with much larger nonces
    assert "uid" in await post_signed(sim, f"nonce={far_ahead}".encode())
    async with sim.client() as client:
        balances = await client.fetch_balance()
        assert balances.get("BTC").free > 0
        assert await client.nonces.next() > far_ahead


async def test_a_write_refused_for_its_nonce_is_not_sent_again(sim: Sim) -> None:
    # the document defines no error codes: a nonce-like refusal does not prove the order was not placed
    far_ahead = 10**16
    assert "uid" in await post_signed(sim, f"nonce={far_ahead}".encode())
    async with sim.client() as client:
        await client.load_markets()
        with pytest.raises(errors.InvalidNonce):
            await client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.1"), Decimal(50000))
        assert sim.state.requests.count("order_create") == 1
        assert sim.state.orders_of("alice") == []
        # the refusal taught the client the server's nonce: the next write goes through
        await client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.1"), Decimal(50000))
    assert len(sim.state.orders_of("alice")) == 1


async def test_two_clients_on_one_redis_key_never_clash_at_the_server(sim: Sim) -> None:
    async with shared_redis() as (redis, prefix):
        first = sim.client(redis=redis, redis_prefix=prefix)
        second = sim.client(redis=redis, redis_prefix=prefix)
        async with first, second:
            await asyncio.gather(*(c.fetch_balance() for _ in range(20) for c in (first, second)))
    # 40 calls, 40 requests: no nonce was refused, so nothing had to be sent a second time
    assert sim.state.requests.count("user_info") == 40


async def test_two_nonce_sources_on_one_redis_key_only_go_up_under_concurrency(sim: Sim) -> None:
    async with shared_redis() as (redis, prefix):
        first = sim.client(redis=redis, redis_prefix=prefix)
        second = sim.client(redis=redis, redis_prefix=prefix)
        async with first, second:

            async def draw(client_index: int) -> list[int]:
                source = (first, second)[client_index].nonces
                return [await source.next() for _ in range(200)]

            sequences = await asyncio.gather(draw(0), draw(1), draw(0), draw(1))
    everything = [n for seq in sequences for n in seq]
    assert len(set(everything)) == len(everything)
    for seq in sequences:
        assert seq == sorted(seq)
        assert len(set(seq)) == len(seq)
