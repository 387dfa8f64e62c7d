"""The simulator refuses what the document says it refuses: wrong signature, reused nonce, stale or
future timestamp, a key without the permission, a duplicate client_order_id, a refused callback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from aiohttp import web

from sandbox.exchanges.common.server import running
from services.exchanges import errors
from services.exchanges.indodax.auth import sign
from services.exchanges.indodax.callback import WithdrawalCallbacks
from services.exchanges.indodax.constants import MSG_BAD_SIGN, MSG_DUPLICATE_CLIENT_ID
from services.exchanges.models import OrderSide, OrderType

from .test_indodax_fixtures import PAIR, SEED, Sim, simulator

ALICE = SEED.account("alice")


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator() as s:
        yield s


async def raw(sim: Sim, params: dict[str, str], secret: str = ALICE.api_secret) -> dict[str, object]:
    body = urlencode({"method": "getInfo", **params}).encode()
    answer: dict[str, object] = await sim.tapi(body, {"Key": ALICE.api_key, "Sign": sign(secret, body)})
    return answer


def now_ms(sim: Sim) -> int:
    return sim.state.clock.now_ms()


async def test_a_correct_signature_is_accepted(sim: Sim) -> None:
    assert (await raw(sim, {"timestamp": str(now_ms(sim))}))["success"] == 1


async def test_the_signature_may_be_upper_case(sim: Sim) -> None:
    body = urlencode({"method": "getInfo", "timestamp": str(now_ms(sim))}).encode()
    answer = await sim.tapi(body, {"Key": ALICE.api_key, "Sign": sign(ALICE.api_secret, body).upper()})
    assert answer["success"] == 1


async def test_a_wrong_secret_is_refused(sim: Sim) -> None:
    answer = await raw(sim, {"timestamp": str(now_ms(sim))}, secret="0" * 64)
    assert (answer["error"], answer["error_code"]) == (MSG_BAD_SIGN, "invalid_credentials")


async def test_a_client_with_a_wrong_secret_gets_authentication_error(sim: Sim) -> None:
    async with sim.client(secret="0" * 64) as client:
        with pytest.raises(errors.AuthenticationError):
            await client.fetch_balance()


async def test_an_unknown_key_is_refused(sim: Sim) -> None:
    body = b"method=getInfo&nonce=1"
    answer = await sim.tapi(body, {"Key": "nobody", "Sign": sign("x", body)})
    assert answer["error"] == "Invalid credentials. API not found or session has expired."


async def test_a_reused_nonce_is_refused_with_the_last_one_seen(sim: Sim) -> None:
    assert (await raw(sim, {"nonce": "1000"}))["success"] == 1
    answer = await raw(sim, {"nonce": "1000"})
    assert answer["error"] == "Nonce must be greater than 1000. You provided 1000."
    assert answer["error_code"] == "invalid_nonce"


async def test_a_growing_nonce_is_accepted(sim: Sim) -> None:
    await raw(sim, {"nonce": "1000"})
    assert (await raw(sim, {"nonce": "1001"}))["success"] == 1


async def test_a_timestamp_older_than_recv_window_is_refused(sim: Sim) -> None:
    answer = await raw(sim, {"timestamp": str(now_ms(sim) - 6000)})
    assert answer["error_code"] == "invalid_timestamp"


async def test_a_longer_recv_window_accepts_an_older_timestamp(sim: Sim) -> None:
    answer = await raw(sim, {"timestamp": str(now_ms(sim) - 6000), "recvWindow": "10000"})
    assert answer["success"] == 1


async def test_a_timestamp_a_second_ahead_is_refused(sim: Sim) -> None:
    answer = await raw(sim, {"timestamp": str(now_ms(sim) + 1500)})
    assert answer["error_code"] == "invalid_timestamp"


async def test_the_client_follows_the_servers_clock(sim: Sim) -> None:
    sim.state.clock.advance(3600)  # the server is an hour ahead of us
    async with sim.client() as client:
        assert (await client.fetch_balance()).get("BTC").free == 2


async def test_the_client_resynchronises_when_the_server_clock_jumps(sim: Sim) -> None:
    async with sim.client() as client:
        await client.fetch_balance()
        sim.state.clock.advance(60)
        assert (await client.fetch_balance()).get("BTC").free == 2
        assert sim.state.requests.count("api/server_time") == 2


async def test_a_view_only_key_cannot_trade(sim: Sim) -> None:
    async with sim.client("viewer") as viewer:
        with pytest.raises(errors.PermissionDenied):
            await viewer.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), Decimal(10**9))


async def test_a_view_only_key_cannot_withdraw(sim: Sim) -> None:
    async with sim.client("viewer") as viewer:
        with pytest.raises(errors.PermissionDenied):
            await viewer.fetch_withdraw_fee("BTC")


async def test_an_order_below_the_pair_minimum_is_refused(sim: Sim) -> None:
    async with sim.client() as client:
        with pytest.raises(errors.MinimumNotMet):
            await client.create_order(
                PAIR, OrderSide.SELL, OrderType.LIMIT, Decimal("0.00001"), Decimal(10**9)
            )


async def test_an_order_beyond_the_balance_is_refused(sim: Sim) -> None:
    async with sim.client() as client:
        with pytest.raises(errors.InsufficientFunds):
            await client.create_order(PAIR, OrderSide.SELL, OrderType.LIMIT, Decimal(5), Decimal(10**9))


async def test_a_maker_only_order_that_would_take_is_refused(sim: Sim) -> None:
    body = urlencode(
        {
            "method": "trade",
            "timestamp": str(now_ms(sim)),
            "pair": "btc_idr",
            "type": "buy",
            "price": "1100000000",
            "btc": "0.001",
            "time_in_force": "MOC",
        }
    ).encode()
    answer = await sim.tapi(body, {"Key": ALICE.api_key, "Sign": sign(ALICE.api_secret, body)})
    assert answer["error"] == "Order cancelled because it’s not maker."


async def test_a_duplicate_client_order_id_is_refused_by_the_server(sim: Sim) -> None:
    body_of = {
        "method": "trade",
        "pair": "btc_idr",
        "type": "buy",
        "price": "900000000",
        "btc": "0.001",
        "client_order_id": "dup-1",
    }
    answers = []
    for nonce in ("1", "2"):
        body = urlencode({**body_of, "nonce": nonce}).encode()
        answers.append(await sim.tapi(body, {"Key": ALICE.api_key, "Sign": sign(ALICE.api_secret, body)}))
    assert answers[0]["success"] == 1
    assert answers[1]["error"] == MSG_DUPLICATE_CLIENT_ID.format(id="dup-1")


async def test_the_client_returns_the_existing_order_for_its_own_duplicate(sim: Sim) -> None:
    async with sim.client() as client:
        args = (PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal(900_000_000))
        first = await client.create_order(*args, client_order_id="again-1")
        second = await client.create_order(*args, client_order_id="again-1")
    assert second.id == first.id
    assert len(sim.state.orders_of("alice")) == 1


async def test_a_client_order_id_reused_for_another_order_is_an_error(sim: Sim) -> None:
    async with sim.client() as client:
        await client.create_order(
            PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal(900_000_000), client_order_id="x-1"
        )
        with pytest.raises(errors.InvalidOrder, match="different order"):
            await client.create_order(
                PAIR,
                OrderSide.SELL,
                OrderType.LIMIT,
                Decimal("0.01"),
                Decimal(1_100_000_000),
                client_order_id="x-1",
            )


async def callback_server(answer: str) -> web.Application:
    app = web.Application()

    async def handle(request: web.Request) -> web.Response:
        return web.Response(text=answer)

    app.router.add_post("/callback", handle)
    return app


async def test_a_refused_callback_stops_the_withdrawal(sim: Sim) -> None:
    async with running(await callback_server("no")) as callback_url:
        await sim.control("indodax/callback", {"account": "alice", "url": f"{callback_url}/callback"})
        async with sim.client() as client:
            with pytest.raises(errors.PermissionDenied):
                await client.withdraw("BTC", Decimal("0.1"), "bc1qexternal", network="mainnet")
    assert sim.state.transfers.query("alice", "withdrawal") == []
    assert sim.state.ledger.free("alice", "BTC") == 2


async def test_an_ok_callback_lets_the_withdrawal_through(sim: Sim) -> None:
    async with running(await callback_server("ok")) as callback_url:
        await sim.control("indodax/callback", {"account": "alice", "url": f"{callback_url}/callback"})
        async with sim.client() as client:
            await client.withdraw("BTC", Decimal("0.1"), "bc1qexternal", network="mainnet")
    [seen] = sim.state.callbacks_seen
    assert (seen["withdraw_currency"], seen["withdraw_address"]) == ("btc", "bc1qexternal")
    assert len(sim.state.transfers.query("alice", "withdrawal")) == 1


async def test_the_clients_callback_handler_approves_its_own_withdrawal(sim: Sim) -> None:
    async with sim.client() as client:
        app = web.Application()
        app.router.add_post("/callback", client.withdrawal_callbacks.handler())
        async with running(app) as callback_url:
            await sim.control("indodax/callback", {"account": "alice", "url": f"{callback_url}/callback"})
            withdrawal = await client.withdraw("BTC", Decimal("0.1"), "bc1qexternal", network="mainnet")
    assert withdrawal.amount == Decimal("0.1")


async def test_the_clients_callback_handler_refuses_a_stranger(sim: Sim) -> None:
    callbacks = WithdrawalCallbacks(None, "test")
    assert (await callbacks.answer({"request_id": "forged", "withdraw_address": "x"})).text == "refused"


async def test_a_repeated_request_id_withdraws_once(sim: Sim) -> None:
    async with sim.client() as client:
        first = await client.withdraw(
            "BTC", Decimal("0.1"), "bc1qexternal", network="mainnet", request_id="r1"
        )
        second = await client.withdraw(
            "BTC", Decimal("0.1"), "bc1qexternal", network="mainnet", request_id="r1"
        )
    assert first.id == second.id
    assert len(sim.state.transfers.query("alice", "withdrawal")) == 1


async def test_withdrawing_to_ones_own_address_is_refused(sim: Sim) -> None:
    own = sim.state.deposit_address(ALICE, "btc")
    async with sim.client() as client:
        with pytest.raises(errors.InvalidRequest, match="other than your Indodax account"):
            await client.withdraw("BTC", Decimal("0.1"), own, network="mainnet")


async def test_a_wrong_network_is_refused(sim: Sim) -> None:
    async with sim.client() as client:
        with pytest.raises(errors.InvalidRequest, match="Invalid network"):
            await client.withdraw("ETH", Decimal("1"), "0xabc", network="solana")


async def test_trans_history_refuses_more_than_seven_days(sim: Sim) -> None:
    answer = await raw(
        sim,
        {"method": "transHistory", "timestamp": str(now_ms(sim)), "start": "2024-07-01", "end": "2024-07-20"},
    )
    assert (answer["error"], answer["error_code"]) == ("range date can't more than 7 days", "invalid_date")


async def test_trans_history_refuses_a_bad_date(sim: Sim) -> None:
    answer = await raw(sim, {"method": "transHistory", "timestamp": str(now_ms(sim)), "start": "01-07-2024"})
    assert answer["error"] == "date format must be formatted yyyy-mm-dd"
