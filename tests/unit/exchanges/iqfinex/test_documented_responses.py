"""Every response example of iqfinex.txt parses into the neutral models with exact Decimals."""

import re
from datetime import UTC, datetime
from decimal import Decimal

from aioresponses import aioresponses

from services.exchanges.iqfinex.client import IqfinexClient
from services.exchanges.models import OrderSide, OrderStatus, OrderType

from . import doc_examples
from .conftest import BASE


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


async def test_currency_example(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/currency/BTC", body=doc_examples.CURRENCY)
    btc = await client.fetch_currency("btc")
    assert (btc.code, btc.name, btc.kind, btc.confirmations) == ("BTC", "Bitcoin", "Coin", 6)
    assert btc.withdrawal_fee == Decimal("0.0005")
    assert (btc.min_withdrawal, btc.min_deposit) == (Decimal("0.001"), Decimal("0.001"))
    assert btc.can_deposit and btc.can_withdraw


async def test_currencies_list(http: aioresponses, client: IqfinexClient) -> None:
    data = doc_examples.CURRENCY.replace('"data":{', '"data":[{').replace("true}}", "true}]}")
    http.get(f"{BASE}/v1/currencies", body=data)
    assert [c.code for c in await client.fetch_currencies()] == ["BTC"]


async def test_assets_become_markets_with_limits_and_precision(
    http: aioresponses, client: IqfinexClient
) -> None:
    markets = {m.symbol: m for m in await client.fetch_markets()}
    btc = markets["BTC/USDT"]
    assert (btc.id, btc.base, btc.quote, btc.active) == ("BTCUSDT", "BTC", "USDT", True)
    assert btc.precision.price == 2
    assert btc.limits.amount.min == Decimal("0.001")
    assert markets["MOD/ETH"].active is False


async def test_asset_example(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/asset/BTCUSDT", body=doc_examples.ASSET)
    market = await client.fetch_asset("btc_usdt")
    assert (market.symbol, market.limits.amount.min) == ("BTC/USDT", Decimal("0.001"))


async def test_ticker_example(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/ticker/BTCUSDT", body=doc_examples.TICKER)
    ticker = await client.fetch_ticker("BTC/USDT")
    assert (ticker.bid, ticker.ask, ticker.last) == (
        Decimal("3368.69"),
        Decimal("3376.13"),
        Decimal("3373.18"),
    )
    assert (ticker.high, ticker.low) == (Decimal("3530.87"), Decimal("3342.87"))
    assert (ticker.base_volume, ticker.change_pct) == (Decimal("198.65963"), Decimal("-3.89"))
    assert ticker.timestamp == at(1552290919)


async def test_all_tickers_come_from_one_request(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/tickers", body=doc_examples.TICKERS)
    tickers = await client.fetch_tickers()
    assert tickers["BTC/USDT"].last == Decimal("3373.18")
    assert len([key for key in http.requests if key[1].path == "/v1/tickers"]) == 1


async def test_orderbook_example_sorted_best_first(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/orderbook/BTCUSDT/0", body=doc_examples.ORDERBOOK)
    book = await client.fetch_order_book("BTC/USDT")
    assert [level.price for level in book.bids] == [Decimal(p) for p in ("3377", "3376", "3375", "3373")]
    assert [level.price for level in book.asks] == [Decimal(p) for p in ("3395", "3396", "3397", "3398")]
    assert book.asks[3].amount == Decimal("1.2776565")


async def test_orderbook_rounding_level_goes_in_the_path(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/orderbook/BTCUSDT/2", body=doc_examples.ORDERBOOK)
    book = await client.fetch_order_book("BTC/USDT", limit=2, rounding=2)
    assert len(book.bids) == len(book.asks) == 2


async def test_public_trades_example(http: aioresponses, client: IqfinexClient) -> None:
    http.get(re.compile(rf"{BASE}/v1/trades/BTCUSDT\?.*"), body=doc_examples.TRADES)
    trades = await client.fetch_trades("BTC/USDT", limit=3)
    assert [t.id for t in trades] == ["752966", "752977", "752986"]  # oldest first
    newest = trades[-1]
    assert (newest.side, newest.price, newest.amount) == (
        OrderSide.SELL,
        Decimal("3388.65"),
        Decimal("0.030548"),
    )
    assert newest.timestamp == at(1544180753)


async def test_candles_example_open_times_and_order(http: aioresponses, client: IqfinexClient) -> None:
    http.get(re.compile(rf"{BASE}/v1/candles/ETHBTC/300\?.*"), body=doc_examples.CANDLES)
    candles = await client.fetch_ohlcv("ETH/BTC", "5m", limit=3)
    assert [c.timestamp for c in candles] == [at(1552377600), at(1552377900), at(1552378200)]
    active = candles[-1]
    assert (active.open, active.close, active.volume) == (
        Decimal("0.034375"),
        Decimal("0.034381"),
        Decimal("4.1961"),
    )


async def test_account_info_example_permissions(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/account/info", body=doc_examples.ACCOUNT_INFO)
    info = await client.fetch_account_info()
    assert (info.can_trade, info.can_withdraw) == (False, False)
    assert info.details["keylabel"] == "Development"


async def test_balance_example_free_and_reserved(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/balance", body=doc_examples.BALANCE)
    balances = await client.fetch_balance()
    btc = balances.get("BTC")
    assert (btc.free, btc.reserved, btc.total) == (Decimal("1.2"), Decimal("0.3"), Decimal("1.5"))
    assert balances.get("ETH").total == Decimal("52.48052531")


async def test_open_order_example(http: aioresponses, client: IqfinexClient) -> None:
    http.post(f"{BASE}/v1/order", body=doc_examples.ORDER_OPENED)
    order = await client.create_order(
        "ETH/BTC", OrderSide.SELL, OrderType.LIMIT, Decimal("1.245"), Decimal("0.03437")
    )
    assert (order.id, order.symbol, order.side, order.type) == (
        "304962",
        "ETH/BTC",
        OrderSide.SELL,
        OrderType.LIMIT,
    )
    assert (order.status, order.amount, order.price, order.filled) == (
        OrderStatus.OPEN,
        Decimal("1.245"),
        Decimal("0.03437"),
        Decimal(0),
    )


async def test_cancel_order_example(http: aioresponses, client: IqfinexClient) -> None:
    http.post(f"{BASE}/v1/order/304964/cancel", body=doc_examples.ORDER_CANCELED)
    order = await client.cancel_order("304964")
    assert (order.id, order.status, order.amount) == ("304964", OrderStatus.CANCELED, Decimal("1.52"))


async def test_opened_orders_example(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/orders/opened", body=doc_examples.ORDERS_OPENED)
    orders = await client.fetch_open_orders()
    assert [(o.id, o.symbol, o.status) for o in orders] == [("304963", "ETH/BTC", OrderStatus.OPEN)]


async def test_opened_orders_filtered_by_pair(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/orders/opened", body=doc_examples.ORDERS_OPENED)
    assert await client.fetch_open_orders("BTC/USDT") == []


async def test_order_history_example(http: aioresponses, client: IqfinexClient) -> None:
    http.get(re.compile(rf"{BASE}/v1/orders/closed\?.*"), body=doc_examples.ORDERS_CLOSED)
    orders = await client.fetch_closed_orders(limit=3)
    assert [(o.id, o.side, o.status) for o in orders] == [
        ("17967862", OrderSide.SELL, OrderStatus.CLOSED),
        ("17967861", OrderSide.BUY, OrderStatus.CLOSED),
    ]
    assert orders[0].symbol == "MOD/ETH"
    assert orders[0].filled == Decimal("5249.418")


async def test_order_status_example(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/order/17355056", body=doc_examples.ORDER_STATUS)
    order = await client.fetch_order("17355056")
    assert (order.status, order.filled, order.price) == (
        OrderStatus.CLOSED,
        Decimal("4118.95858777"),
        Decimal("0.0013"),
    )


async def test_trades_by_order_example(http: aioresponses, client: IqfinexClient) -> None:
    http.get(re.compile(rf"{BASE}/v1/order/17967861/trades.*"), body=doc_examples.MY_TRADES)
    [trade] = await client.fetch_order_trades("17967861")
    assert (trade.order_id, trade.symbol, trade.side) == ("17967861", "MOD/ETH", OrderSide.BUY)
    assert (trade.fee, trade.fee_asset) == (Decimal("7.874127"), "MOD")
    assert trade.cost == Decimal("5249.418") * Decimal("0.001")
    assert trade.timestamp == at(1552632205)


async def test_my_trades_example(http: aioresponses, client: IqfinexClient) -> None:
    http.get(re.compile(rf"{BASE}/v1/trades\?.*"), body=doc_examples.MY_TRADES)
    [trade] = await client.fetch_my_trades(limit=1)
    assert (trade.order_id, trade.price, trade.amount) == ("17967861", Decimal("0.001"), Decimal("5249.418"))
    assert trade.id.startswith("17967861:")  # the order's id, told apart per fill (test_document_fidelity)
