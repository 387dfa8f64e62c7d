"""Each status of the document's table, and each kind of 400 message, maps to its error class."""

import json
import re
from decimal import Decimal

import pytest
from aioresponses import aioresponses

from services.exchanges import errors
from services.exchanges.iqfinex.client import IqfinexClient
from services.exchanges.models import OrderSide, OrderType

from .conftest import API_KEY, BASE


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, errors.InvalidRequest),
        (401, errors.AuthenticationError),  # invalid login data
        (402, errors.PermissionDenied),  # action is forbidden for API key
        (403, errors.AuthenticationError),  # authorization token expired
        (500, errors.ExchangeUnavailable),
        (503, errors.ExchangeUnavailable),  # maintenance
        (504, errors.RequestTimeout),
    ],
)
async def test_documented_status_on_a_read(
    http: aioresponses, client: IqfinexClient, status: int, expected: type[errors.ExchangeError]
) -> None:
    http.get(f"{BASE}/v1/balance", status=status, body=json.dumps({"status": status, "message": "nope"}))
    with pytest.raises(expected) as caught:
        await client.fetch_balance()
    assert type(caught.value) is expected
    assert caught.value.code == str(status)


async def test_expired_token_is_not_a_permission_problem(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/account/info", status=403, body="Forbidden")
    with pytest.raises(errors.AuthenticationError) as caught:
        await client.fetch_account_info()
    assert "expired" in caught.value.message


async def test_error_status_inside_a_200_envelope(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/balance", body='{"status":401,"message":"Invalid login data"}')
    with pytest.raises(errors.AuthenticationError):
        await client.fetch_balance()


async def test_gateway_timeout_on_an_order_is_an_unknown_outcome(
    http: aioresponses, client: IqfinexClient
) -> None:
    http.post(f"{BASE}/v1/order", status=504, body="Gateway Timeout")
    with pytest.raises(errors.OutcomeUnknown):
        await client.create_order("BTC/USDT", OrderSide.BUY, OrderType.MARKET, Decimal("0.01"))


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_any_server_error_on_an_order_is_an_unknown_outcome(
    http: aioresponses, client: IqfinexClient, status: int
) -> None:
    # a 200 whose envelope carries the server error too: neither says whether the order was placed
    http.post(f"{BASE}/v1/order", body=json.dumps({"status": status, "message": "Internal Server Error"}))
    with pytest.raises(errors.OutcomeUnknown):
        await client.create_order("BTC/USDT", OrderSide.BUY, OrderType.MARKET, Decimal("0.01"))


async def test_plain_400_on_an_order_is_an_invalid_order(http: aioresponses, client: IqfinexClient) -> None:
    http.post(f"{BASE}/v1/order", status=400, body='{"status":400,"message":"Wrong price"}')
    with pytest.raises(errors.InvalidOrder) as caught:
        await client.create_order("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal("1"))
    assert caught.value.message == "Wrong price"


async def test_not_enough_balance_is_insufficient_funds(http: aioresponses, client: IqfinexClient) -> None:
    http.post(f"{BASE}/v1/order", status=400, body='{"status":400,"message":"Insufficient funds"}')
    with pytest.raises(errors.InsufficientFunds):
        await client.create_order("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal("1"))


async def test_below_minimal_volume_is_minimum_not_met(http: aioresponses, client: IqfinexClient) -> None:
    body = '{"status":400,"message":"Volume is less than minimal volume"}'
    http.post(f"{BASE}/v1/order", status=400, body=body)
    with pytest.raises(errors.MinimumNotMet):
        await client.create_order("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal("1"))


async def test_missing_order_is_order_not_found(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/order/42", status=400, body='{"status":400,"message":"Order not found"}')
    with pytest.raises(errors.OrderNotFound):
        await client.fetch_order("42")


async def test_unknown_asset_is_unknown_pair(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/ticker/BTCUSDT", status=400, body='{"status":400,"message":"Asset not found"}')
    with pytest.raises(errors.UnknownPair):
        await client.fetch_ticker("BTC/USDT")


async def test_the_key_never_appears_in_an_error(http: aioresponses, client: IqfinexClient) -> None:
    http.get(
        f"{BASE}/v1/balance", status=401, body=json.dumps({"status": 401, "message": f"bad key {API_KEY}"})
    )
    with pytest.raises(errors.AuthenticationError) as caught:
        await client.fetch_balance()
    assert API_KEY not in str(caught.value)


async def test_a_wrong_shape_is_a_bad_response(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/balance", body='{"status":200,"data":{"BTC":{"balance":"lots"}}}')
    with pytest.raises(errors.BadResponse):
        await client.fetch_balance()


async def test_an_answer_without_the_envelope_is_a_bad_response(
    http: aioresponses, client: IqfinexClient
) -> None:
    http.get(re.compile(rf"{BASE}/v1/trades\?.*"), body="[1, 2, 3]")
    with pytest.raises(errors.BadResponse):
        await client.fetch_my_trades()
