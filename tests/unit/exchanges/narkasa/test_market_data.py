"""The document's public examples, parsed into the framework's models."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from aioresponses import aioresponses

from services.exchanges import errors
from services.exchanges.models import OrderSide
from services.exchanges.narkasa.client import NarkasaClient

from .conftest import sent, url

TICKER_24H = {
    "code": "00000",
    "market": {
        "symbol": "BTCTRY",
        "changeAmount": 498,
        "changePercent": 0.83,
        "last": 60000,
        "firstBid": 59999,
        "firstAsk": 60001,
        "open": 59502,
        "high": 61000,
        "low": 59000,
        "avg": 60002,
        "volumeQty": 2,
        "volume": 120004,
        "openTime": 1577738760005,
        "tradeCount": 23,
    },
}

INFO = {
    "code": "00000",
    "info": {
        "symbol": "BTCTRY",
        "firstSymbol": "BTC",
        "secondSymbol": "TRY",
        "firstSymbolMaxLength": 6,
        "secondSymbolMaxLength": 0,
        "minTradeTotal": 10,
        "minAmount": 0.000001,
        "commission": 0.2,
        "enable": "true",
        "cancelEnable": "true",
        "orderEnable": "true",
        "commissionTaker": 0.2,
        "commissionMaker": 0.2,
        "commissionPercentage": True,
        "commissionTierBased": False,
        "precision": {"price": 0, "amount": 6, "total": 0},
    },
}

DEPTH = {
    "code": "00000",
    "book": {
        "bids": [
            {"price": 47001, "amount": 0.012, "count": 5},
            {"price": 47002, "amount": 0.0446, "count": 4},
            {"price": 47000, "amount": 0.012, "count": 2},
        ],
        "asks": [
            {"price": 47003, "amount": 0.23, "count": 2},
            {"price": 47004, "amount": 0.0123, "count": 2},
            {"price": 47005, "amount": 0.017, "count": 2},
        ],
    },
}


async def test_ping_answers_pong(client: NarkasaClient, http: aioresponses) -> None:
    http.get(url("ping"), payload={"code": "00000", "data": "PONG"})
    assert await client.ping() is True


async def test_time_sets_the_clock_offset(client: NarkasaClient, http: aioresponses) -> None:
    server_ms = int(datetime.now(UTC).timestamp() * 1000) + 60_000
    http.get(url("time"), payload={"code": "00000", "data": server_ms})
    assert abs((await client.fetch_time()).timestamp() * 1000 - server_ms) < 1
    assert 59_000 < client.clock.offset_ms < 61_000


async def test_markets_come_from_the_all_markets_list(client: NarkasaClient) -> None:
    markets = await client.fetch_markets()
    assert [(m.symbol, m.id, m.base, m.quote) for m in markets] == [
        ("BTC/TRY", "BTCTRY", "BTC", "TRY"),
        ("BTC/USDT", "BTCUSDT", "BTC", "USDT"),
    ]


async def test_all_tickers_come_from_one_request(client: NarkasaClient, http: aioresponses) -> None:
    tickers = await client.fetch_tickers()
    btc = tickers["BTC/TRY"]
    assert (btc.last, btc.bid, btc.ask, btc.high, btc.low) == (60000, 59999, 60001, 61000, 59000)
    assert btc.base_volume == Decimal(2)
    assert btc.change_pct == Decimal("0.83")
    assert sum(len(calls) for calls in http.requests.values()) == 1


async def test_24h_ticker_has_base_and_quote_volume(client: NarkasaClient, http: aioresponses) -> None:
    http.get(url("market/24h"), payload=TICKER_24H)
    ticker = await client.fetch_ticker("btc_try")
    assert ticker.symbol == "BTC/TRY"
    assert (ticker.base_volume, ticker.quote_volume) == (Decimal(2), Decimal(120004))


async def test_info_gives_limits_precision_and_fees(client: NarkasaClient, http: aioresponses) -> None:
    http.get(url("market/info"), payload=INFO)
    market = await client.fetch_market_info("BTC/TRY")
    assert market.precision.price == 0 and market.precision.amount == 6
    assert market.limits.amount.min == Decimal("0.000001")
    assert market.limits.cost.min == Decimal(10)
    assert market.maker_fee == Decimal("0.002") and market.active


async def test_candles_are_asked_in_narkasa_intervals(client: NarkasaClient, http: aioresponses) -> None:
    http.get(
        url("market/candles"),
        payload={
            "code": "00000",
            "candles": [
                {
                    "open": 48657,
                    "low": 48000,
                    "high": 48999,
                    "close": 48980,
                    "volume": 2,
                    "openTime": 1577738760005,
                    "closetime": 1577738820005,
                }
            ],
        },
    )
    [candle] = await client.fetch_ohlcv("BTC/TRY", "1m")
    assert (candle.open, candle.high, candle.low, candle.close) == (48657, 48999, 48000, 48980)
    [(_, request_url)] = sent(http, "market/candles")
    assert request_url.query["interval"] == "m1" and request_url.query["symbol"] == "BTCTRY"


async def test_a_week_of_candles_is_not_offered(client: NarkasaClient) -> None:
    with pytest.raises(errors.NotSupported):
        await client.fetch_ohlcv("BTC/TRY", "1w")


async def test_depth_is_the_order_book_best_first(client: NarkasaClient, http: aioresponses) -> None:
    http.get(url("market/depth"), payload=DEPTH)
    book = await client.fetch_order_book("BTC/TRY", limit=2)
    assert [b.price for b in book.bids] == [47002, 47001]
    assert [a.price for a in book.asks] == [47003, 47004]


async def test_orderbook_is_the_top_of_book(client: NarkasaClient, http: aioresponses) -> None:
    http.get(
        url("market/orderbook"),
        payload={
            "code": "00000",
            "book": {
                "bids": [{"price": 47002, "amount": 0.0446}],
                "asks": [{"price": 47003, "amount": 0.23}],
            },
        },
    )
    top = await client.fetch_top_of_book("BTC/TRY")
    assert (top.bid_price, top.bid_amount, top.ask_price, top.ask_amount) == (
        Decimal(47002),
        Decimal("0.0446"),
        Decimal(47003),
        Decimal("0.23"),
    )


async def test_trades_name_the_takers_side(client: NarkasaClient, http: aioresponses) -> None:
    http.get(
        url("market/trades"),
        payload={
            "code": "00000",
            "trades": [
                {"price": 47003, "amount": 0.23, "time": 1577891201415, "type": 0},
                {"price": 47004, "amount": 0.1, "time": 1577891201416, "type": 1},
            ],
        },
    )
    trades = await client.fetch_trades("BTC/TRY")
    assert [t.side for t in trades] == [OrderSide.SELL, OrderSide.BUY]
    assert trades[0].amount == Decimal("0.23")
