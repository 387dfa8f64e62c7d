"""Directions as markets GIVE/GET, their rates as tickers; order-book features are not supported."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from aioresponses import aioresponses
from aioresponses.core import CallbackResult

from services.exchanges import errors
from services.exchanges.capabilities import Capability
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.models import OrderSide, OrderType

from . import doc_examples as doc
from .conftest import url

REVERSE = {
    **doc.DIRECTION,
    "id": 12,
    "currency_code_give": "USDTTRC20",
    "currency_code_get": "BTC",
    "course_give": "64000",
    "course_get": "1",
    "reserve": "0",
}


def directions_by_id(url_: object, **kwargs: object) -> CallbackResult:
    form = dict(parse_qsl(str(kwargs["data"], "utf-8") if isinstance(kwargs["data"], bytes) else ""))
    return CallbackResult(body=doc.ok({"11": doc.DIRECTION, "12": REVERSE}[form["direction_id"]]))


@pytest.fixture
def site(mock: aioresponses) -> aioresponses:
    mock.post(url("get_directions"), body=doc.ok(doc.DIRECTIONS), repeat=True)
    mock.post(url("get_direction"), callback=directions_by_id, repeat=True)
    return mock


def test_capabilities_are_bids_markets_and_tickers_only() -> None:
    assert ExchangerClient.capabilities == {
        Capability.EXCHANGE_BIDS,
        Capability.FETCH_MARKETS,
        Capability.FETCH_TICKERS,
        Capability.BID_API_ID,
    }


async def test_each_direction_is_a_market_give_slash_get(client: ExchangerClient, site: aioresponses) -> None:
    markets = {m.symbol: m for m in await client.fetch_markets()}
    assert set(markets) == {"BTC/USDTTRC20", "USDTTRC20/BTC"}
    btc = markets["BTC/USDTTRC20"]
    assert (btc.id, btc.base, btc.quote) == ("11", "BTC", "USDTTRC20")
    assert (btc.limits.amount.min, btc.limits.amount.max) == (Decimal("0.001"), None)


async def test_a_direction_without_reserve_is_an_inactive_market(
    client: ExchangerClient, site: aioresponses
) -> None:
    assert not (await client.market("USDTTRC20/BTC")).active


async def test_tickers_are_the_direction_rates(client: ExchangerClient, site: aioresponses) -> None:
    tickers = await client.fetch_tickers()
    assert tickers["BTC/USDTTRC20"].last == Decimal("61000.25")
    assert tickers["USDTTRC20/BTC"].last == Decimal(1) / Decimal(64000)


async def test_a_direction_closed_to_the_api_is_left_out(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_directions"), body=doc.ok(doc.DIRECTIONS))
    mock.post(url("get_direction"), body=doc.ok(doc.DIRECTION))
    closed = {"error": 1, "error_text": "Direction not found", "error_fields": [], "data": []}
    mock.post(url("get_direction"), body=json.dumps(closed))
    assert [m.symbol for m in await client.fetch_markets()] == ["BTC/USDTTRC20"]


async def test_fetch_ticker_asks_only_for_that_direction(client: ExchangerClient, site: aioresponses) -> None:
    await client.load_markets()
    ticker = await client.fetch_ticker("btc_usdttrc20")
    assert ticker.last == Decimal("61000.25")


async def test_order_book_features_are_not_supported(client: ExchangerClient) -> None:
    with pytest.raises(errors.NotSupported):
        await client.create_order("BTC/USDTTRC20", OrderSide.SELL, OrderType.LIMIT, Decimal(1), Decimal(1))
    with pytest.raises(errors.NotSupported):
        await client.fetch_order_book("BTC/USDTTRC20")
    with pytest.raises(errors.NotSupported):
        await client.fetch_balance()
