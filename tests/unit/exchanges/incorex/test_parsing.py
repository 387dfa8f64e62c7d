"""Every response example of the document, parsed into the neutral models."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl

from aioresponses import aioresponses
from yarl import URL

from services.exchanges.incorex.client import IncorexClient
from services.exchanges.models import OrderSide, OrderStatus, OrderType, TransferStatus

from .conftest import BASE, url

TRADES = {
    "BTC_USD": [
        {"trade_id": 7569368, "type": 1, "quantity": "1", "price": "100", "amount": "100", "date": 1528129170}
    ]
}
ORDER_BOOK = {
    "BTC_USD": {
        "ask": [["100", "1", "100"], ["200", "2", "400"]],
        "bid": [["99", "1", "99"]],
        "ask_quantity": "3",
        "ask_amount": "500",
        "ask_top": "100",
        "bid_quantity": "1",
        "bid_amount": "99",
        "bid_top": "99",
    }
}
TICKER = {
    "BTC_USD": [
        "BTC/USD",
        "7478.24",
        "7503.9",
        "49.09",
        "0.0065",
        "7503.9",
        "21.34288258",
        "7748.53",
        "7448.14",
        1528216450,
    ]
}
CURRENCY = ["EUR", "USD", "PLN", "RUB", "BTC", "BCH", "DASH", "ETH", "ETC", "LTC", "XMR"]
USER_INFO = {
    "uid": 10542,
    "server_time": 1435518576,
    "balances": {"BTC": "970.994", "USD": "949.47"},
    "reserved": {"BTC": "3", "USD": "0.5"},
}
ORDER_CREATE = {"name": "order_create", "status": "ok", "id": 0, "msg": "Ok", "order_id": 123456}
ORDER_CANCEL = {"name": "order_cancel", "status": "ok", "id": 0, "msg": "Ok"}
OPEN_ORDERS = {
    "BTC_USD": [
        {
            "date": 1528117470,
            "order_id": 123456,
            "pair": "BTC_USD",
            "position": 0,
            "type": "market",
            "quantity": "1",
            "price": "100",
            "amount": "100",
        }
    ]
}
USER_TRADES = {
    "BTC_USD": [
        {
            "trade_id": 123456,
            "date": 1435488248,
            "type": 1,
            "pair": "BTC_USD",
            "order_id": 123456,
            "quantity": 1,
            "price": 100,
            "amount": 100,
        }
    ]
}
CANCELLED = [
    {
        "date": 1435519742,
        "order_id": 123456,
        "pair": "BTC_USD",
        "position": 1,
        "type": "market",
        "quantity": 3,
        "price": 100,
        "amount": 300,
    }
]
ORDER_TRADES = {
    "position": 0,
    "type": "market",
    "in_currency": "BTC",
    "in_amount": "1",
    "out_currency": "USD",
    "out_amount": "100",
    "percent_succesfull": 100,
    "trades": [
        {
            "trade_id": 123456,
            "date": 1435488248,
            "type": 0,
            "pair": "BTC_USD",
            "order_id": 123456,
            "quantity": 1,
            "price": 100,
            "amount": 100,
        }
    ],
}
REQUIRED_AMOUNT = {"quantity": "0.5", "amount": "3500.00", "avg_price": "3.66666666"}
DEPOSIT_ADDRESS = {"BTC": "1btcaddress", "BCH": "qbchaddress", "LTC": "Lltcaddress", "ETH": "0xethaddress"}
WITHDRAW_CRYPT = {"name": "withdraw_crypt", "status": "ok", "id": 0, "msg": "Ok", "task_id": "123456"}
WITHDRAW_GET_TXID = {"name": "withdraw_get_txid", "status": "ok", "id": 0, "msg": "Ok", "txid": "abc123"}
WALLET_HISTORY = {
    "name": "wallet_history",
    "status": "ok",
    "id": 0,
    "msg": "Ok",
    "begin": "1528239600",
    "end": "1528325999",
    "history": [
        {
            "date": 1528239600,
            "currency": "USD",
            "type": "deposit",
            "amount": "100",
            "fee": "1",
            "paysystem": "Perfect money",
            "account": "",
            "txid": "",
            "status": "processing",
        },
        {
            "date": 1528239600,
            "currency": "XMR",
            "type": "withdrawal",
            "amount": "0.15000000",
            "fee": "0.05000000",
            "paysystem": "Monero",
            "account": "4xmraddress",
            "txid": "xmrtx",
            "status": "processing",
        },
    ],
}


def sent_form(mock: aioresponses, method: str) -> dict[str, str]:
    calls = mock.requests[("POST", URL(f"{BASE}/{method}"))]
    return dict(parse_qsl(calls[-1].kwargs["data"].decode()))


async def test_pair_settings_become_markets_with_limits(client: IncorexClient, mock: aioresponses) -> None:
    (market,) = await client.fetch_markets()
    assert (market.symbol, market.id, market.base, market.quote) == ("BTC/USD", "BTC_USD", "BTC", "USD")
    assert market.limits.amount.min == Decimal("0.002")
    assert market.limits.amount.max == Decimal("100")
    assert market.limits.price.min == Decimal("0.01")
    assert market.limits.cost.max == Decimal("300")


async def test_ticker_rows_become_tickers_for_every_pair_in_one_call(
    client: IncorexClient, mock: aioresponses
) -> None:
    mock.get(url("ticker"), payload=TICKER)
    tickers = await client.fetch_tickers()
    ticker = tickers["BTC/USD"]
    assert ticker.bid == Decimal("7478.24")  # the example's order (see test_document_fidelity)
    assert ticker.ask == Decimal("7503.9")
    assert ticker.change_pct == Decimal("0.0065")
    assert ticker.last == Decimal("7503.9")
    assert ticker.base_volume == Decimal("21.34288258")
    assert (ticker.high, ticker.low) == (Decimal("7748.53"), Decimal("7448.14"))
    assert ticker.timestamp == datetime.fromtimestamp(1528216450, tz=UTC)
    assert len(mock.requests[("GET", URL(f"{BASE}/ticker"))]) == 1


async def test_order_book_levels_keep_price_and_quantity(client: IncorexClient, mock: aioresponses) -> None:
    mock.get(url("order_book"), payload=ORDER_BOOK)
    book = await client.fetch_order_book("btc/usd", limit=50)
    assert [(a.price, a.amount) for a in book.asks] == [
        (Decimal(100), Decimal(1)),
        (Decimal(200), Decimal(2)),
    ]
    assert [(b.price, b.amount) for b in book.bids] == [(Decimal(99), Decimal(1))]
    (sent,) = [k for k in mock.requests if k[1].path.endswith("order_book")]
    assert sent[1].query == {"pair": "BTC_USD", "limit": "50"}


async def test_public_trades_carry_side_from_type(client: IncorexClient, mock: aioresponses) -> None:
    mock.get(url("trades"), payload=TRADES)
    (trade,) = await client.fetch_trades("BTC_USD")
    assert trade.id == "7569368"
    assert trade.side is OrderSide.BUY
    assert (trade.price, trade.amount) == (Decimal(100), Decimal(1))


async def test_currency_lists_the_exchanges_currencies(client: IncorexClient, mock: aioresponses) -> None:
    mock.get(url("currency"), payload=CURRENCY)
    assert await client.currencies() == CURRENCY


async def test_user_info_becomes_free_and_reserved_balances(
    client: IncorexClient, mock: aioresponses
) -> None:
    mock.post(url("user_info"), payload=USER_INFO)
    balances = await client.fetch_balance()
    assert balances.get("BTC").free == Decimal("970.994")
    assert balances.get("BTC").reserved == Decimal("3")
    assert balances.get("USD").total == Decimal("949.97")


async def test_user_info_proves_the_key_and_names_the_user(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("user_info"), payload=USER_INFO)
    info = await client.fetch_account_info()
    assert info.details["uid"] == 10542


async def test_order_create_returns_the_new_order_id(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("order_create"), payload=ORDER_CREATE)
    order = await client.create_order("BTC/USD", OrderSide.BUY, OrderType.LIMIT, Decimal("1"), Decimal("100"))
    assert (order.id, order.status, order.symbol) == ("123456", OrderStatus.OPEN, "BTC/USD")
    form = sent_form(mock, "order_create")
    assert {k: form[k] for k in ("pair", "quantity", "price", "position", "type")} == {
        "pair": "BTC_USD",
        "quantity": "1",
        "price": "100",
        "position": "buy",
        "type": "limit",
    }


async def test_stop_limit_sends_the_trigger_as_price_and_the_limit_as_limitprice(
    client: IncorexClient, mock: aioresponses
) -> None:
    mock.post(url("order_create"), payload=ORDER_CREATE)
    await client.create_order(
        "BTC/USD",
        OrderSide.SELL,
        OrderType.STOP_LIMIT,
        Decimal("0.5"),
        Decimal("90"),
        stop_price=Decimal("95"),
    )
    form = sent_form(mock, "order_create")
    assert (form["type"], form["price"], form["limitprice"], form["position"]) == (
        "stoplimit",
        "95",
        "90",
        "sell",
    )


async def test_order_cancel_answers_ok(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("order_cancel"), payload=ORDER_CANCEL)
    assert await client.cancel_order("123456") is None
    assert sent_form(mock, "order_cancel")["order_id"] == "123456"


async def test_open_orders_are_parsed_per_pair(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("user_open_orders"), payload=OPEN_ORDERS)
    (order,) = await client.fetch_open_orders("BTC/USD")
    assert (order.id, order.side, order.type, order.status) == (
        "123456",
        OrderSide.SELL,
        OrderType.MARKET,
        OrderStatus.OPEN,
    )
    assert (order.amount, order.price) == (Decimal(1), Decimal(100))


async def test_user_trades_become_own_trades(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("user_trades"), payload=USER_TRADES)
    (trade,) = await client.fetch_my_trades("BTC/USD", limit=10)
    assert (trade.id, trade.order_id, trade.side) == ("123456", "123456", OrderSide.BUY)
    assert (trade.amount, trade.price, trade.cost) == (Decimal(1), Decimal(100), Decimal(100))
    assert sent_form(mock, "user_trades")["limit"] == "10"


async def test_cancelled_orders_are_the_closed_orders(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("user_cancelled_orders"), payload=CANCELLED)
    (order,) = await client.fetch_closed_orders()
    assert (order.status, order.side, order.amount) == (OrderStatus.CANCELED, OrderSide.BUY, Decimal(3))


async def test_order_trades_tell_what_an_order_gave_and_got(
    client: IncorexClient, mock: aioresponses
) -> None:
    mock.post(url("order_trades"), payload=ORDER_TRADES)
    execution = await client.order_trades("123456")
    assert (execution.side, execution.type) == (OrderSide.SELL, OrderType.MARKET)
    assert (execution.in_currency, execution.in_amount) == ("BTC", Decimal(1))
    assert (execution.out_currency, execution.out_amount) == ("USD", Decimal(100))
    assert execution.percent_filled == Decimal(100)
    assert [t.id for t in execution.trades] == ["123456"]


async def test_required_amount_prices_a_purchase(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("required_amount"), payload=REQUIRED_AMOUNT)
    quote = await client.required_amount("BTC/USD", Decimal("0.5"))
    assert (quote.quantity, quote.amount, quote.average_price) == (
        Decimal("0.5"),
        Decimal("3500.00"),
        Decimal("3.66666666"),
    )


async def test_deposit_address_is_picked_per_asset(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("deposit_address"), payload=DEPOSIT_ADDRESS)
    address = await client.fetch_deposit_address("eth")
    assert (address.asset, address.address) == ("ETH", "0xethaddress")


async def test_withdraw_crypt_returns_a_pending_withdrawal(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("withdraw_crypt"), payload=WITHDRAW_CRYPT)
    withdrawal = await client.withdraw("BTC", Decimal("0.5"), "1btcaddress")
    assert (withdrawal.id, withdrawal.status) == ("123456", TransferStatus.PENDING)
    assert sent_form(mock, "withdraw_crypt") | {"nonce": ""} == {
        "amount": "0.5",
        "currency": "BTC",
        "address": "1btcaddress",
        "nonce": "",
    }


async def test_withdraw_get_txid_gives_the_txid_once_sent(client: IncorexClient, mock: aioresponses) -> None:
    mock.post(url("withdraw_get_txid"), payload=WITHDRAW_GET_TXID)
    progress = await client.withdraw_get_txid("123456")
    assert (progress.txid, progress.processed) == ("abc123", True)


async def test_withdraw_get_txid_with_an_empty_txid_is_not_processed_yet(
    client: IncorexClient, mock: aioresponses
) -> None:
    mock.post(url("withdraw_get_txid"), payload=WITHDRAW_GET_TXID | {"txid": ""})
    assert not (await client.withdraw_get_txid("123456")).processed


async def test_wallet_history_splits_deposits_and_withdrawals(
    client: IncorexClient, mock: aioresponses
) -> None:
    mock.post(url("wallet_history"), payload=WALLET_HISTORY)
    (deposit,) = await client.fetch_deposits()
    assert (deposit.asset, deposit.amount, deposit.fee) == ("USD", Decimal(100), Decimal(1))
    assert (deposit.status, deposit.raw_status, deposit.txid) == (TransferStatus.PENDING, "processing", None)
    mock.post(url("wallet_history"), payload=WALLET_HISTORY)
    (withdrawal,) = await client.fetch_withdrawals("XMR")
    assert (withdrawal.amount, withdrawal.address, withdrawal.txid) == (
        Decimal("0.15"),
        "4xmraddress",
        "xmrtx",
    )
