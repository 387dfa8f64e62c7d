"""The document's websocket payloads, parsed into typed events."""

from __future__ import annotations

from decimal import Decimal

from services.exchanges.models import OrderSide, OrderStatus, OrderType
from services.exchanges.narkasa.convert import market_of, stream_event
from services.exchanges.narkasa.models import (
    BalanceUpdateEvent,
    CandleEvent,
    DepthEvent,
    OrderUpdateEvent,
    ReservedUpdateEvent,
    TickerEvent,
    TopOfBookEvent,
    TradeEvent,
)


def test_all_tickers_payload() -> None:
    data = {
        "type": "allTickers",
        "symbol": "BTCTRY",
        "changeAmount": 1,
        "changePercent": Decimal("0.0018"),
        "firstBid": 54500,
        "firstAsk": 54501,
        "open": 54500,
        "high": 54501,
        "low": 54500,
        "avg": Decimal("54500.5"),
        "last": 54501,
        "volume": 54501,
        "volumeQty": 1,
        "openTime": 1587923986290,
        "tradeCount": 2,
    }
    event = stream_event("allTickers", data, "BTC/TRY")
    assert isinstance(event, TickerEvent)
    assert (event.ticker.last, event.ticker.base_volume, event.ticker.quote_volume) == (54501, 1, 54501)
    assert market_of(data) == "BTCTRY"


def test_candles_payload() -> None:
    data = {
        "type": "candles",
        "symbol": "BTCTRY",
        "interval": "m5",
        "kline": {
            "openTime": 1588010100000,
            "open": 54500,
            "low": 54500,
            "high": 54500,
            "close": 54500,
            "volume": Decimal("0.0005"),
            "closeTime": 1588010323000,
        },
    }
    event = stream_event("candles", data, "BTC/TRY")
    assert (
        isinstance(event, CandleEvent) and event.interval == "m5" and event.candle.volume == Decimal("0.0005")
    )


def test_order_book_payload() -> None:
    data = {
        "bidPrice": 54500,
        "bidAmount": Decimal("0.001"),
        "askPrice": 54501,
        "askAmount": Decimal("0.001"),
    }
    event = stream_event("orderBook", {"type": "orderBook", "symbol": "BTCTRY", **data}, "BTC/TRY")
    assert isinstance(event, TopOfBookEvent) and (event.top.bid_price, event.top.ask_price) == (54500, 54501)


def test_depth_payload() -> None:
    level = {"amount": Decimal("0.001"), "count": 1}
    data = {
        "type": "depth",
        "symbol": "BTCTRY",
        "depth": {
            "bids": [{"price": 54499, **level}, {"price": 54500, **level}],
            "asks": [{"price": 54502, **level}, {"price": 54501, **level}],
        },
    }
    event = stream_event("depth", data, "BTC/TRY")
    assert isinstance(event, DepthEvent)
    assert (event.book.bids[0].price, event.book.asks[0].price) == (54500, 54501)


def test_trade_payload() -> None:
    data = {
        "type": "trade",
        "symbol": "BTCTRY",
        "amount": Decimal("0.0005"),
        "price": 54500,
        "tradeType": 1,
        "time": 1588010323279,
    }
    event = stream_event("trade", data, "BTC/TRY")
    assert isinstance(event, TradeEvent) and event.trade.side is OrderSide.BUY


def test_order_update_has_integer_type_and_side() -> None:
    data = {
        "type": "orderUpdate",
        "order": {
            "status": "PARTIALLY_FILLED",
            "market": "BTCUSDT",
            "orderType": 2,
            "side": 1,
            "price": 7350,
            "amount": Decimal("0.0001"),
            "filledAmount": Decimal("0.00005"),
            "stopType": 0,
            "targetPrice": 7300,
            "orderId": "6b11cf14",
            "time": 1578405048608,
        },
    }
    event = stream_event("orderUpdate", data, "BTC/USDT")
    assert isinstance(event, OrderUpdateEvent) and market_of(data) == "BTCUSDT"
    order = event.order
    assert (order.type, order.side, order.status, order.stop_price) == (
        OrderType.STOP_LIMIT,
        OrderSide.SELL,
        OrderStatus.OPEN,
        7300,
    )
    assert event.raw_status == "PARTIALLY_FILLED" and event.source == "stream"


def test_fast_order_update_is_a_market_order() -> None:
    data = {"order": {"status": "FILLED", "market": "BTCUSDT", "orderType": 3, "side": 0, "orderId": "x"}}
    event = stream_event("orderUpdate", data, "BTC/USDT")
    assert isinstance(event, OrderUpdateEvent) and event.order.type is OrderType.MARKET
    assert event.order.status is OrderStatus.CLOSED


def test_cancelled_all_is_canceled() -> None:
    data = {
        "order": {"status": "CANCELLED_ALL", "market": "BTCUSDT", "orderType": 0, "side": 0, "orderId": "x"}
    }
    event = stream_event("orderUpdate", data, "BTC/USDT")
    assert isinstance(event, OrderUpdateEvent) and event.order.status is OrderStatus.CANCELED


def test_balance_payloads() -> None:
    available = stream_event(
        "balanceUpdate", {"type": "balanceUpdate", "symbol": "BTC", "available": Decimal("0.01245")}, ""
    )
    reserved = stream_event(
        "reservedUpdate", {"type": "reservedUpdate", "symbol": "BTC", "reserved": Decimal("0.01245")}, ""
    )
    assert isinstance(available, BalanceUpdateEvent) and available.available == Decimal("0.01245")
    assert isinstance(reserved, ReservedUpdateEvent) and reserved.reserved == Decimal("0.01245")


def test_unknown_type_is_ignored() -> None:
    assert stream_event("somethingNew", {"type": "somethingNew"}, "") is None
