"""The document's signed examples, parsed into the framework's models."""

from __future__ import annotations

from decimal import Decimal

import pytest
from aioresponses import aioresponses

from services.exchanges import errors
from services.exchanges.models import OrderSide, OrderStatus, OrderType, TransferStatus
from services.exchanges.narkasa.client import NarkasaClient

from .conftest import API_KEY, sent, url

ORDER_ID = "ce82ac3aed3e8b1cecc6fcd36ddc49936866c49bfa4f4f32fbfc12a005e995c9b3b52e2b"


def order_reply(**fields: object) -> dict[str, object]:
    return {"code": "00000", "order": {"market": "BTCUSDT", "time": 1578405048608, **fields}}


async def test_wallet_gives_free_and_reserved(client: NarkasaClient, http: aioresponses) -> None:
    http.get(
        url("balance/wallet"),
        payload={
            "code": "00000",
            "wallet": [
                {"symbol": "TRY", "total": 0, "available": 0, "reserved": 0},
                {"symbol": "BTC", "total": 1.5, "available": 1, "reserved": 0.5},
            ],
        },
    )
    balances = await client.fetch_balance()
    btc = balances.get("BTC")
    assert (btc.free, btc.reserved, btc.total) == (Decimal(1), Decimal("0.5"), Decimal("1.5"))
    [(method, request_url)] = sent(http, "balance/wallet")
    assert method == "GET" and {"timestamp", "signature"} <= set(request_url.query)
    assert http.requests[(method, request_url)][0].kwargs["headers"]["X-APNK-APIKEY"] == API_KEY


async def test_account_info_is_the_documented_auth_test(client: NarkasaClient, http: aioresponses) -> None:
    http.post(url("balance/wallet"), payload={"code": "00000"})
    assert (await client.fetch_account_info()).can_read
    assert [m for m, _ in sent(http, "balance/wallet")] == ["POST"]


async def test_currencies(client: NarkasaClient, http: aioresponses) -> None:
    http.get(
        url("balance/currencies"),
        payload={"code": "00000", "currencies": [{"id": "cc8d", "symbol": "TRY", "name": "Türk Lirası"}]},
    )
    [currency] = await client.fetch_currencies()
    assert (currency.asset, currency.name) == ("TRY", "Türk Lirası")


async def test_limit_buy_sends_price_and_amount(client: NarkasaClient, http: aioresponses) -> None:
    http.post(
        url("market/limit-buy"),
        payload=order_reply(
            status="NEW",
            orderId=ORDER_ID,
            orderType="LIMIT",
            side="BUY",
            price=9500,
            amount=0.001,
            filledAmount=0,
        ),
    )
    order = await client.create_order(
        "BTC/USDT", OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), Decimal(9500)
    )
    assert (order.id, order.status, order.type, order.side) == (
        ORDER_ID,
        OrderStatus.OPEN,
        OrderType.LIMIT,
        OrderSide.BUY,
    )
    [(_, request_url)] = sent(http, "market/limit-buy")
    assert (request_url.query["symbol"], request_url.query["price"], request_url.query["amount"]) == (
        "BTCUSDT",
        "9500",
        "0.001",
    )


async def test_market_sell_is_filled_without_an_id(client: NarkasaClient, http: aioresponses) -> None:
    http.post(
        url("market/market-sell"),
        payload=order_reply(
            status="FILLED", orderType="MARKET", side="SELL", amount=0.001, filledAmount=0.001
        ),
    )
    order = await client.create_order("BTC/USDT", OrderSide.SELL, OrderType.MARKET, Decimal("0.001"))
    assert (order.id, order.status, order.filled) == ("", OrderStatus.CLOSED, Decimal("0.001"))


async def test_stop_limit_sends_the_stop_as_target(client: NarkasaClient, http: aioresponses) -> None:
    http.post(
        url("market/stop-limit-sell"),
        payload=order_reply(
            status="NEW",
            orderId=ORDER_ID,
            orderType="STOP LIMIT",
            stopType="LESS",
            side="SELL",
            target=9300,
            price=9305,
            amount=0.001,
        ),
    )
    order = await client.create_order(
        "BTC/USDT",
        OrderSide.SELL,
        OrderType.STOP_LIMIT,
        Decimal("0.001"),
        Decimal(9305),
        stop_price=Decimal(9300),
    )
    assert (order.type, order.price, order.stop_price) == (OrderType.STOP_LIMIT, 9305, 9300)
    [(_, request_url)] = sent(http, "market/stop-limit-sell")
    assert request_url.query["target"] == "9300"


async def test_fast_buy_spends_a_total(client: NarkasaClient, http: aioresponses) -> None:
    http.post(
        url("market/fast-buy"),
        payload=order_reply(status="FILLED", orderType="FAST", side="BUY", total=100, filledTotal=100),
    )
    order = await client.create_fast_order("BTC/USDT", OrderSide.BUY, total=Decimal(100))
    assert (order.type, order.amount, order.cost, order.status) == (
        OrderType.MARKET,
        None,
        Decimal(100),
        OrderStatus.CLOSED,
    )
    [(_, request_url)] = sent(http, "market/fast-buy")
    assert request_url.query["total"] == "100"


async def test_fast_sell_sells_an_amount(client: NarkasaClient, http: aioresponses) -> None:
    http.post(
        url("market/fast-sell"),
        payload=order_reply(status="FILLED", orderType="FAST", side="SELL", amount=0.001, filledAmount=0.001),
    )
    order = await client.create_fast_order("BTC/USDT", OrderSide.SELL, amount=Decimal("0.001"))
    assert order.filled == Decimal("0.001")


async def test_user_orders_have_integer_sides_and_types(client: NarkasaClient, http: aioresponses) -> None:
    http.get(
        url("market/user-orders"),
        payload={
            "code": "00000",
            "orders": [
                {
                    "market": "BTCTRY",
                    "price": 47016,
                    "targetPrice": 0,
                    "amount": 0.42,
                    "filledAmount": 0,
                    "side": 1,
                    "time": 1580131799413,
                    "orderType": 0,
                    "orderId": ORDER_ID,
                }
            ],
        },
        repeat=True,
    )
    [order] = await client.fetch_open_orders()
    assert (order.symbol, order.side, order.type, order.status) == (
        "BTC/TRY",
        OrderSide.SELL,
        OrderType.LIMIT,
        OrderStatus.OPEN,
    )
    assert order.stop_price is None
    assert (await client.fetch_order(ORDER_ID)).id == ORDER_ID


async def test_an_order_not_open_is_not_found(client: NarkasaClient, http: aioresponses) -> None:
    http.get(url("market/user-orders"), payload={"code": "00000", "orders": []})
    with pytest.raises(errors.OrderNotFound):
        await client.fetch_order(ORDER_ID)


async def test_cancel_sends_the_order_id(client: NarkasaClient, http: aioresponses) -> None:
    http.post(url("market/cancel-order"), payload={"code": "00000"})
    assert await client.cancel_order(ORDER_ID) is None
    [(_, request_url)] = sent(http, "market/cancel-order")
    assert request_url.query["orderId"] == ORDER_ID


async def test_user_trades(client: NarkasaClient, http: aioresponses) -> None:
    http.get(
        url("market/user-trades"),
        payload={
            "code": "00000",
            "trades": [
                {
                    "symbol": "BTCUSDT",
                    "price": 9800,
                    "amount": 0.0012,
                    "side": 1,
                    "orderType": 0,
                    "commission": 0.02352,
                    "commissionSymbol": "USDT",
                    "time": 1591875237869,
                }
            ],
        },
    )
    [trade] = await client.fetch_my_trades("BTC/USDT")
    assert (trade.symbol, trade.side, trade.fee, trade.fee_asset) == (
        "BTC/USDT",
        OrderSide.SELL,
        Decimal("0.02352"),
        "USDT",
    )


WITHDRAW_INFO = {
    "code": "00000",
    "currency": {
        "id": "ce87",
        "symbol": "BTC",
        "name": "Bitcoin",
        "enable": True,
        "minimumWithdrawAmount": 0.0001,
        "maxLength": 8,
        "channels": [
            {
                "name": "BTC",
                "enable": True,
                "commission": 0.0005,
                "addressList": [{"id": "9d80", "name": "123123123123", "address": "123123123123"}],
            }
        ],
    },
}


async def test_withdraw_info_lists_channels(client: NarkasaClient, http: aioresponses) -> None:
    http.post(url("balance/withdraw"), payload=WITHDRAW_INFO)
    info = await client.fetch_withdraw_info("btc")
    assert info.minimum == Decimal("0.0001")
    assert [(ch.network, ch.fee, ch.addresses[0].address) for ch in info.channels] == [
        ("BTC", Decimal("0.0005"), "123123123123")
    ]


def history(state: int, **extra: object) -> dict[str, object]:
    entry = {
        "id": "cdd0",
        "symbol": "BTC",
        "maxLength": 8,
        "amount": 0.00213,
        "time": 1578943895994,
        "state": state,
        "real": False,
        "information": "",
        "txid": "",
        "explorer": "https://www.blockchain.com/en/explorer",
        **extra,
    }
    return {"code": "00000", "history": [entry]}


@pytest.mark.parametrize(
    ("state", "status", "raw"),
    [
        (11, TransferStatus.PENDING, "Pending (11)"),
        (13, TransferStatus.PENDING, "Resuming (13)"),
        (14, TransferStatus.OK, "Completed (14)"),
        (22, TransferStatus.PENDING, "Validating (22)"),
        (24, TransferStatus.OK, "Completed (24)"),
        (98, TransferStatus.FAILED, "Rejected (98)"),
        (99, TransferStatus.CANCELED, "Cancelled (99)"),
    ],
)
async def test_withdraw_states(
    client: NarkasaClient, http: aioresponses, state: int, status: TransferStatus, raw: str
) -> None:
    http.get(url("balance/withdraw-history"), payload=history(state))
    [withdrawal] = await client.fetch_withdrawals()
    assert (withdrawal.status, withdrawal.raw_status, withdrawal.txid) == (status, raw, None)


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (11, TransferStatus.PENDING),
        (12, TransferStatus.PENDING),
        (14, TransferStatus.OK),
        (3, TransferStatus.PENDING),
    ],
)
async def test_deposit_states(
    client: NarkasaClient, http: aioresponses, state: int, status: TransferStatus
) -> None:
    http.get(
        url("balance/deposit-history"), payload=history(state, totalConfirmation=6, activeConfirmation=3)
    )
    [deposit] = await client.fetch_deposits()
    assert deposit.status == status and deposit.amount == Decimal("0.00213")


async def test_deposit_address_is_the_open_channel(client: NarkasaClient, http: aioresponses) -> None:
    http.post(
        url("balance/deposit"),
        payload={
            "code": "00000",
            "currency": {
                "id": "cc8d",
                "symbol": "TRY",
                "name": "Türk Lirası",
                "enable": True,
                "minimumDepositAmount": 10,
                "maxLength": 2,
                "channels": [
                    {"name": "VAKIFBANK", "address": "TR 34 0001 5001 5800 7308 8132 39", "enable": True}
                ],
            },
        },
    )
    address = await client.fetch_deposit_address("TRY")
    assert (address.network, address.address) == ("VAKIFBANK", "TR 34 0001 5001 5800 7308 8132 39")


async def test_withdraw_uses_the_only_open_channel(client: NarkasaClient, http: aioresponses) -> None:
    http.post(url("balance/withdraw"), payload=WITHDRAW_INFO)
    http.post(url("balance/create-withdraw"), payload={"code": "00000"})
    http.get(url("balance/withdraw-history"), payload={"code": "00000", "history": []})
    withdrawal = await client.withdraw("BTC", Decimal("0.01"), "bc1qexample")
    assert (withdrawal.status, withdrawal.network, withdrawal.amount) == (
        TransferStatus.PENDING,
        "BTC",
        Decimal("0.01"),
    )
    [(_, request_url)] = sent(http, "balance/create-withdraw")
    assert (request_url.query["node"], request_url.query["address"]) == ("BTC", "bc1qexample")
