"""Keys and permissions as the simulator checks them, seen through the client's error classes."""

from decimal import Decimal

import pytest

from services.exchanges import errors
from services.exchanges.models import OrderSide, OrderType

from .test_iqfinex_sim import ALICE, VIEWER, iqfinex


async def test_a_wrong_key_is_an_authentication_error() -> None:
    async with iqfinex("not-a-key-of-this-exchange") as (_, client):
        with pytest.raises(errors.AuthenticationError) as caught:
            await client.fetch_account_info()
    assert caught.value.code == "401"


async def test_an_expired_key_is_an_authentication_error() -> None:
    async with iqfinex(options={"expired_keys": [ALICE]}) as (_, client):
        with pytest.raises(errors.AuthenticationError) as caught:
            await client.fetch_balance()
    assert caught.value.code == "403"


async def test_a_key_without_is_trade_cannot_place_an_order() -> None:
    async with iqfinex(VIEWER) as (state, client):
        with pytest.raises(errors.PermissionDenied):
            await client.create_order("BTC/USDT", OrderSide.BUY, OrderType.MARKET, Decimal("0.01"))
        assert state.orders_of("viewer") == []


async def test_a_key_without_is_trade_cannot_cancel() -> None:
    async with iqfinex(VIEWER) as (state, client):
        order = state.place_order("viewer", "BTC/USDT", "buy", "limit", Decimal("0.01"), Decimal("50000"))
        with pytest.raises(errors.PermissionDenied):
            await client.cancel_order(order.id)
        assert order.is_open


async def test_a_key_without_is_trade_still_reads() -> None:
    async with iqfinex(VIEWER) as (_, client):
        assert (await client.fetch_balance()).get("BTC").free == Decimal("0.1")


async def test_orders_of_another_account_are_not_found() -> None:
    async with iqfinex(VIEWER) as (state, client):
        order = state.place_order("alice", "BTC/USDT", "buy", "limit", Decimal("0.01"), Decimal("50000"))
        with pytest.raises(errors.OrderNotFound):
            await client.fetch_order(order.id)


async def test_public_data_needs_no_key() -> None:
    async with iqfinex("") as (_, client):
        assert len(await client.fetch_markets()) == 2
