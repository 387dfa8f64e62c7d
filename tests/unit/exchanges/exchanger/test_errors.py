"""The envelope: error 0 or "0" is success; every documented error text and error_fields map to a class."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses

from services.exchanges import errors
from services.exchanges.exchanger.client import ExchangerClient

from . import doc_examples as doc
from .conftest import KEY, url


def failure(text: str, fields: Any = (), error: Any = 1) -> str:
    return json.dumps({"error": error, "error_text": text, "error_fields": dict(fields) or [], "data": []})


@pytest.mark.parametrize("error", [0, "0"])
async def test_error_zero_as_number_or_string_is_success(
    client: ExchangerClient, mock: aioresponses, error: Any
) -> None:
    body = json.dumps({"error": error, "error_text": "", "error_fields": {}, "data": doc.TEST})
    mock.post(url("test"), body=body)
    assert (await client.test()).user_id == "15"


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("Api disabled", errors.AuthenticationError),
        ("Method not supported", errors.PermissionDenied),
        ("No bid exists", errors.OrderNotFound),
        ("Direction not found", errors.UnknownPair),
        ("Empty Response", errors.InvalidRequest),
    ],
)
async def test_each_documented_error_text_maps_to_its_class(
    client: ExchangerClient, mock: aioresponses, text: str, cls: type[errors.ExchangeError]
) -> None:
    mock.post(url("get_direction"), body=failure(text, error="1"))
    with pytest.raises(cls, match=text) as caught:
        await client.get_direction("11")
    assert caught.value.endpoint == "get_direction"


async def test_an_unknown_error_text_is_a_plain_exchange_error(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("test"), body=failure("Something odd"))
    with pytest.raises(errors.ExchangeError, match="Something odd") as caught:
        await client.test()
    assert type(caught.value) is errors.ExchangeError


async def test_empty_response_on_a_list_method_is_an_empty_list(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("get_exchanges"), body=failure("Empty Response"))
    assert await client.get_exchanges(api_id="nothing-here") == []


async def test_rejected_bid_fields_are_an_invalid_order_naming_fields_and_hints(
    client: ExchangerClient, mock: aioresponses
) -> None:
    fields = {"calc_amount": "min.: 0.001 BTC", "account2": "Invalid wallet"}
    mock.post(url("create_bid"), body=failure("Error", fields))
    with pytest.raises(errors.InvalidOrder) as caught:
        await client.create_bid("11", Decimal("0.0001"), account_to="bad")
    assert "calc_amount: min.: 0.001 BTC" in caught.value.message
    assert "account2: Invalid wallet" in caught.value.message


async def test_field_errors_win_even_when_error_is_zero(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_calc"), body=failure("", {"calc_amount": "max.: 5 BTC"}, error=0))
    with pytest.raises(errors.InvalidOrder, match=r"calc_amount: max\.: 5 BTC"):
        await client.get_calc("11", Decimal(9))


async def test_rejected_fields_outside_bids_are_an_invalid_request(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("add_partner_payout"), body=failure("Error", {"account": "required"}))
    with pytest.raises(errors.InvalidRequest, match="account: required") as caught:
        await client.add_partner_payout("4", "")
    assert not isinstance(caught.value, errors.InvalidOrder)


async def test_an_error_text_echoing_the_key_is_redacted(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("test"), body=failure(f"Unknown key {KEY}"))
    with pytest.raises(errors.ExchangeError) as caught:
        await client.test()
    assert KEY not in str(caught.value)


async def test_json_without_the_envelope_is_a_bad_response(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("test"), body=json.dumps({"ip": "1.2.3.4"}), repeat=True)
    with pytest.raises(errors.BadResponse, match="error"):
        await client.test()


async def test_data_of_the_wrong_shape_is_a_bad_response(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("bid_info"), body=doc.ok({**doc.BID, "status": "teleported"}), repeat=True)
    with pytest.raises(errors.BadResponse, match="status"):
        await client.bid_info(bid_id="501")


async def test_an_html_page_is_a_bad_response(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("test"), body="<html>Cloudflare</html>", repeat=True)
    with pytest.raises(errors.BadResponse, match="not JSON"):
        await client.test()


async def test_a_5xx_json_body_with_an_error_key_is_unavailable(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("test"), status=503, body=json.dumps({"error": "Internal Server Error"}), repeat=True)
    with pytest.raises(errors.ExchangeUnavailable):
        await client.test()
