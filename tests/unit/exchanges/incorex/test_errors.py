"""Error answers map into the shared hierarchy; a refused nonce is resynchronised once."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from aioresponses import aioresponses
from yarl import URL

from services.exchanges import errors
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.incorex.constants import ERROR_CLASSES, ERROR_TEXTS, ErrorCode
from services.exchanges.models import OrderSide, OrderType

from .conftest import BASE, KEY, SECRET, url

FILL = {
    "last": "1528239600000",
    "limit": "180",
    "name": "pair",
    "pair": "XYZ_USD",
    "minimum": "0.002",
    "maximum": "100",
}


def answer(code: int, method: str = "user_info") -> dict[str, object]:
    return {"name": method, "status": "error", "id": int(code), "msg": ERROR_TEXTS[code].format(**FILL)}


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda c: c.name)
async def test_each_error_code_maps_to_its_class(
    client: IncorexClient, mock: aioresponses, code: int
) -> None:
    mock.post(url("user_info"), payload=answer(code), repeat=True)
    with pytest.raises(errors.ExchangeError) as raised:
        await client.fetch_balance()
    assert type(raised.value) is ERROR_CLASSES[code]
    assert raised.value.code == str(int(code))


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda c: c.name)
async def test_an_unknown_code_is_classified_by_its_text(
    client: IncorexClient, mock: aioresponses, code: int
) -> None:
    text = ERROR_TEXTS[code].format(**FILL)
    mock.post(url("user_info"), payload={"status": "error", "id": 99999, "msg": text}, repeat=True)
    with pytest.raises(errors.ExchangeError) as raised:
        await client.fetch_balance()
    assert type(raised.value) is ERROR_CLASSES[code]


async def test_the_official_clients_error_key_is_an_error_too(
    client: IncorexClient, mock: aioresponses
) -> None:
    mock.post(url("user_info"), payload={"error": "Insufficient funds"})
    with pytest.raises(errors.InsufficientFunds):
        await client.fetch_balance()


async def test_a_minimum_not_met_carries_the_minimum(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("order_create"), payload=answer(ErrorCode.QUANTITY_TOO_SMALL, "order_create"))
    with pytest.raises(errors.MinimumNotMet) as raised:
        await client.create_order("BTC/USD", OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), Decimal(50))
    assert raised.value.minimum == Decimal("0.002")


async def test_a_refused_nonce_advances_past_the_servers_value_and_a_read_retries_once(
    client: IncorexClient, mock: aioresponses
) -> None:
    server_last = 9_999_999_999_999
    refused = {"status": "error", "id": 40009, "msg": f"nonce must be greater than {server_last}"}
    mock.post(url("user_info"), payload=refused)
    mock.post(url("user_info"), payload={"uid": 1, "server_time": 1, "balances": {}, "reserved": {}})
    await client.fetch_balance()
    calls = mock.requests[("POST", URL(f"{BASE}/user_info"))]
    nonces = [int(dict(parse_qsl(c.kwargs["data"].decode()))["nonce"]) for c in calls]
    assert len(nonces) == 2
    assert nonces[1] > server_last


async def test_a_write_refused_for_its_nonce_is_never_sent_again(
    client: IncorexClient, mock: aioresponses
) -> None:
    # IncoreX documents no error codes: words that read like a nonce error prove nothing about the order
    server_last = 9_999_999_999_999
    refused = {"status": "error", "id": 40009, "msg": f"nonce must be greater than {server_last}"}
    mock.post(url("order_create"), payload=refused)
    mock.post(url("order_create"), payload={"status": "ok", "id": 0, "msg": "Ok", "order_id": 7})
    with pytest.raises(errors.InvalidNonce):
        await client.create_order("BTC/USD", OrderSide.BUY, OrderType.LIMIT, Decimal(1), Decimal(50))
    assert len(mock.requests[("POST", URL(f"{BASE}/order_create"))]) == 1
    assert await client.nonces.next() > server_last


async def test_a_nonce_refused_twice_is_reported_clearly(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("user_info"), payload=answer(ErrorCode.WRONG_NONCE), repeat=True)
    with pytest.raises(errors.InvalidNonce, match="again after resynchronising"):
        await client.fetch_balance()
    assert len(mock.requests[("POST", URL(f"{BASE}/user_info"))]) == 2


async def test_errors_never_carry_the_key_or_secret(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(
        url("user_info"), payload={"status": "error", "id": 40017, "msg": f"Wrong API Key {KEY} {SECRET}"}
    )
    with pytest.raises(errors.AuthenticationError) as raised:
        await client.fetch_balance()
    assert KEY not in str(raised.value)
    assert SECRET not in str(raised.value)


async def test_a_wrong_shape_is_a_bad_response(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("user_info"), payload={"uid": "x", "balances": []})
    with pytest.raises(errors.BadResponse):
        await client.fetch_balance()


async def test_private_calls_without_a_key_fail_before_sending(mock: aioresponses) -> None:
    from services.exchanges.base import ClientConfig

    async with IncorexClient(ClientConfig(account="nokey")) as keyless:
        with pytest.raises(errors.AuthenticationError):
            await keyless.fetch_balance()
    assert not [k for k in mock.requests if k[0] == "POST"]


async def test_withdraw_refuses_a_memo_it_cannot_send(client: IncorexClient, mock: aioresponses) -> None:
    with pytest.raises(errors.NotSupported):
        await client.withdraw("XMR", Decimal(1), "4addr", memo="123")


async def test_a_server_error_with_an_error_body_is_unavailable_not_an_exchange_answer(
    client: IncorexClient, mock: aioresponses
) -> None:
    mock.post(url("user_info"), status=502, payload={"error": "Internal Server Error"}, repeat=True)
    with pytest.raises(errors.ExchangeUnavailable):
        await client.fetch_balance()
