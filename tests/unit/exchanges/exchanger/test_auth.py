"""Authorisation: login and key as headers on a POST with form parameters; API-LANG only when set."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from aioresponses import aioresponses

from services.exchanges.base import ClientConfig
from services.exchanges.exchanger.client import ExchangerClient

from . import doc_examples as doc
from .conftest import KEY, LOGIN, make_client, sent, url


async def test_every_call_is_a_post_to_the_method_path_with_login_and_key_headers(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("test"), body=doc.ok(doc.TEST))
    await client.test()
    headers = sent(mock, "test")[0].kwargs["headers"]
    assert headers["API-LOGIN"] == LOGIN
    assert headers["API-KEY"] == KEY
    assert "API-LANG" not in headers


async def test_the_account_language_goes_in_the_api_lang_header(mock: aioresponses) -> None:
    mock.post(url("test"), body=doc.ok(doc.TEST))
    async with make_client(language="ru_RU") as client:
        await client.test()
    assert sent(mock, "test")[0].kwargs["headers"]["API-LANG"] == "ru_RU"


async def test_parameters_travel_form_encoded_in_the_body(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("get_calc"), body=doc.ok(doc.CALC))
    await client.get_calc("11", Decimal("0.5"), cd={"cf6": "a@b.test"})
    call = sent(mock, "get_calc")[0]
    assert call.kwargs["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    form = dict(parse_qsl(call.kwargs["data"].decode()))
    assert form == {"direction_id": "11", "calc_amount": "0.5", "calc_action": "1", "cd": "cf6=a%40b.test"}


def test_a_site_needs_its_base_url() -> None:
    with pytest.raises(ValueError, match="base_url"):
        ExchangerClient(ClientConfig(account="no-site"))
