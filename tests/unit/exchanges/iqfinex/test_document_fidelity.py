"""Where iqfinex.txt's words decide what the client reads."""

from __future__ import annotations

import json
import re

import pytest
from aioresponses import aioresponses

from services.exchanges.iqfinex.client import IqfinexClient

from . import doc_examples
from .conftest import BASE

_ASSET_ROWS = json.loads(doc_examples.ASSETS)["data"]
_CURRENCY = json.loads(doc_examples.CURRENCY)["data"]
_TICKER = json.loads(doc_examples.TICKER_DATA)

# The document shows /v1/currencies, /v1/assets and /v1/tickers only by their one-item calls; its other
# lists come as {"count": ..., "rows": [...]} pages ("Trades", "Opened orders", ...), so a list may come as
# a plain list, an object keyed by id, or such a page.
SHAPES = {
    "list": lambda rows, key: rows,
    "keyed": lambda rows, key: {row[key]: row for row in rows},
    "page": lambda rows, key: {"count": len(rows), "rows": rows},
}


def _envelope(data: object) -> str:
    return json.dumps({"status": 200, "data": data})


@pytest.mark.parametrize("shape", SHAPES)
async def test_assets_in_every_list_shape(client: IqfinexClient, shape: str) -> None:
    with aioresponses() as http:
        http.get(f"{BASE}/v1/assets", body=_envelope(SHAPES[shape](_ASSET_ROWS, "pair")))
        markets = await client.fetch_markets()
    assert {m.symbol for m in markets} == {"BTC/USDT", "ETH/BTC", "MOD/ETH"}


@pytest.mark.parametrize("shape", SHAPES)
async def test_currencies_in_every_list_shape(http: aioresponses, client: IqfinexClient, shape: str) -> None:
    http.get(f"{BASE}/v1/currencies", body=_envelope(SHAPES[shape]([_CURRENCY], "name")))
    assert [c.code for c in await client.fetch_currencies()] == ["BTC"]


@pytest.mark.parametrize("shape", SHAPES)
async def test_tickers_in_every_list_shape(http: aioresponses, client: IqfinexClient, shape: str) -> None:
    rows = [_TICKER | {"asset": "BTCUSDT"}]
    http.get(f"{BASE}/v1/tickers", body=_envelope(SHAPES[shape](rows, "asset")))
    assert (await client.fetch_tickers())["BTC/USDT"].last is not None


async def test_fills_of_one_order_are_told_apart(http: aioresponses, client: IqfinexClient) -> None:
    # "Trades ... Result fields ... id integer id of opened order": every fill of an order has its id
    row = json.loads(doc_examples.MY_TRADES)["data"]["rows"][0]
    second = row | {"volume": 1000, "price": 0.0011, "close_time": row["close_time"] + 5}
    http.get(re.compile(rf"{BASE}/v1/trades\?.*"), body=_envelope({"count": 2, "rows": [second, row]}))
    trades = await client.fetch_my_trades()
    assert len({t.id for t in trades}) == 2
    assert {t.order_id for t in trades} == {"17967861"}
