"""Each code of the document's table raises its class of the error hierarchy."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from services.exchanges import errors
from services.exchanges.narkasa.client import NarkasaClient

from .conftest import API_KEY, url

EXPECTED = {
    "10010": errors.AuthenticationError,
    "10026": errors.PermissionDenied,
    "10027": errors.PermissionDenied,
    "10028": errors.PermissionDenied,
    "10029": errors.InvalidRequest,
    "10030": errors.InvalidRequest,
    "10031": errors.InsufficientFunds,
    "10035": errors.PermissionDenied,
    "10037": errors.UnknownPair,
    "10038": errors.InvalidOrder,
    "10039": errors.MinimumNotMet,
    "10040": errors.MinimumNotMet,
    "10041": errors.InvalidOrder,
    "10042": errors.InvalidOrder,
    "10051": errors.PermissionDenied,
    "10054": errors.PermissionDenied,
    "10055": errors.PermissionDenied,
    "10060": errors.InvalidOrder,
    "10061": errors.InvalidOrder,
    "10062": errors.InvalidOrder,
    "10063": errors.InvalidRequest,
    "10064": errors.InvalidRequest,
    "10075": errors.OrderNotFound,
    "20000": errors.AuthenticationError,
    "20001": errors.AuthenticationError,
    "20002": errors.PermissionDenied,
    "20003": errors.AuthenticationError,
    "20005": errors.InvalidRequest,
    "20006": errors.UnknownPair,
    "20007": errors.InvalidOrder,
    "20008": errors.InvalidOrder,
    "20009": errors.InvalidOrder,
    "20010": errors.InvalidRequest,
    "20011": errors.PermissionDenied,
    "20012": errors.InvalidOrder,
    "90001": errors.InvalidRequest,
}


@pytest.mark.parametrize(("code", "cls"), sorted(EXPECTED.items()))
async def test_code_maps_to_its_class(
    client: NarkasaClient, http: aioresponses, code: str, cls: type[errors.ExchangeError]
) -> None:
    http.post(url("market/cancel-order"), status=400, payload={"code": code, "msg": "refused"})
    with pytest.raises(cls) as caught:
        await client.cancel_order("abc")
    assert type(caught.value) is cls and caught.value.code == code


async def test_integer_code_of_the_information_example(client: NarkasaClient, http: aioresponses) -> None:
    http.get(url("balance/wallet"), status=401, payload={"code": 20001, "msg": "Invalid API key or secret."})
    with pytest.raises(errors.AuthenticationError) as caught:
        await client.fetch_balance()
    assert caught.value.code == "20001" and API_KEY not in str(caught.value)


async def test_unexpected_error_is_retried_for_reads(client: NarkasaClient, http: aioresponses) -> None:
    http.get(url("balance/wallet"), payload={"code": "90000", "msg": "Unexpected Error"})
    http.get(url("balance/wallet"), payload={"code": "00000", "wallet": []})
    assert (await client.fetch_balance()).assets == {}


async def test_unexpected_error_on_a_write_is_raised(client: NarkasaClient, http: aioresponses) -> None:
    http.post(url("market/cancel-order"), payload={"code": "90000", "msg": "Unexpected Error"})
    with pytest.raises(errors.ExchangeUnavailable):
        await client.cancel_order("abc")


async def test_stale_timestamp_measures_the_clock_and_resends_once(
    client: NarkasaClient, http: aioresponses
) -> None:
    http.post(
        url("market/cancel-order"), payload={"code": "20004", "msg": "Timestamp difference limit exceeded"}
    )
    http.get(url("time"), payload={"code": "00000", "data": 1578405048608})
    http.post(url("market/cancel-order"), payload={"code": "00000"})
    await client.cancel_order("abc")
    assert client.clock.measured


async def test_a_second_stale_timestamp_is_raised(client: NarkasaClient, http: aioresponses) -> None:
    stale = {"code": "20004", "msg": "Timestamp difference limit exceeded"}
    http.post(url("market/cancel-order"), payload=stale, repeat=True)
    http.get(url("time"), payload={"code": "00000", "data": 1578405048608})
    with pytest.raises(errors.InvalidNonce):
        await client.cancel_order("abc")


async def test_wrong_shape_is_a_bad_response(client: NarkasaClient, http: aioresponses) -> None:
    http.get(url("balance/wallet"), payload={"code": "00000", "wallet": [{"available": 1}]}, repeat=True)
    with pytest.raises(errors.BadResponse):
        await client.fetch_balance()
