"""Every response example of the document (and the README's public shapes) parses into the models."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from aioresponses import aioresponses

from services.exchanges.indodax.client import IndodaxClient
from services.exchanges.models import OrderSide, OrderStatus, OrderType, TransferStatus

from . import examples
from .conftest import TAPI, public


async def test_pairs_become_markets_with_limits_and_precision(
    client: IndodaxClient, mock: aioresponses
) -> None:
    btc = (await client.fetch_markets())[0]
    assert (btc.symbol, btc.id, btc.base, btc.quote) == ("BTC/IDR", "btc_idr", "BTC", "IDR")
    assert btc.limits.amount.min == Decimal("0.0001")
    assert btc.limits.cost.min == Decimal(50000)
    assert (btc.precision.amount, btc.precision.price) == (8, 0)
    assert btc.taker_fee == Decimal("0.003")


async def test_ticker_all_gives_every_pair_in_one_request(client: IndodaxClient, mock: aioresponses) -> None:
    mock.get(public("/api/ticker_all"), body=examples.TICKER_ALL)
    ticker = (await client.fetch_tickers())["BTC/IDR"]
    assert (ticker.bid, ticker.ask, ticker.last) == (Decimal(999000000), Decimal(1001000000), Decimal(10**9))
    assert (ticker.base_volume, ticker.quote_volume) == (Decimal("12.5"), Decimal(12800000000))


async def test_one_ticker_uses_the_id_without_underscore(client: IndodaxClient, mock: aioresponses) -> None:
    mock.get(public("/api/ticker/btcidr"), body=examples.TICKER)
    assert (await client.fetch_ticker("btc_idr")).high == Decimal(1050000000)


async def test_depth_levels_keep_numbers_and_strings_exact(client: IndodaxClient, mock: aioresponses) -> None:
    mock.get(public("/api/depth/btcidr"), body=examples.DEPTH)
    book = await client.fetch_order_book("BTC/IDR", limit=1)
    assert [(b.price, b.amount) for b in book.bids] == [(Decimal(511), Decimal("176.61"))]
    assert [(a.price, a.amount) for a in book.asks] == [(Decimal(512), Decimal("1591.21"))]


async def test_public_trades(client: IndodaxClient, mock: aioresponses) -> None:
    mock.get(public("/api/trades/btcidr"), body=examples.TRADES)
    trade = (await client.fetch_trades("BTC/IDR"))[0]
    assert (trade.id, trade.side, trade.price, trade.amount) == (
        "1623490",
        OrderSide.SELL,
        511,
        Decimal("123.19"),
    )


async def test_tradingview_history_becomes_candles(client: IndodaxClient, mock: aioresponses) -> None:
    mock.get(public("/tradingview/history_v2"), body=examples.HISTORY)
    candles = await client.fetch_ohlcv("BTC/IDR", "1m", limit=2)
    assert candles[0].timestamp == datetime.fromtimestamp(1699328700, UTC)
    assert (candles[1].close, candles[0].volume) == (Decimal(1015), Decimal(14814))


async def test_five_minute_candles_are_built_from_one_minute_ones(
    client: IndodaxClient, mock: aioresponses
) -> None:
    mock.get(public("/tradingview/history_v2"), body=examples.HISTORY)
    [candle] = await client.fetch_ohlcv("BTC/IDR", "5m", limit=1)
    assert (candle.open, candle.high, candle.low, candle.close) == (1000, 1020, 990, 1015)
    assert candle.volume == Decimal(14815)


async def test_server_time_is_milliseconds(client: IndodaxClient, mock: aioresponses) -> None:
    assert await client.fetch_server_time() == datetime.fromtimestamp(1571205969.552, UTC)


async def test_get_info_balance_is_free_and_balance_hold_reserved(
    client: IndodaxClient, mock: aioresponses
) -> None:
    mock.post(TAPI, body=examples.GET_INFO)
    eth = (await client.fetch_balance()).get("ETH")
    assert (eth.free, eth.reserved, eth.total) == (Decimal("1.5"), Decimal("0.25"), Decimal("1.75"))


async def test_account_info_reads_withdraw_status(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.GET_INFO)
    info = await client.fetch_account_info()
    assert info.can_withdraw is True
    assert info.details["user_id"] == "00001"


async def test_deposit_address_with_one_of_several_networks(
    client: IndodaxClient, mock: aioresponses
) -> None:
    mock.post(TAPI, body=examples.GET_INFO)
    address = await client.fetch_deposit_address("ETH", "arb")
    assert (address.address, address.network) == ("0xa6fd81330501442e8dff403f966b6e023a53763e", "arb")


async def test_trans_history_deposits(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.TRANS_HISTORY)
    deposits = await client.fetch_deposits()
    assert [(d.id, d.asset, d.amount) for d in deposits] == [
        ("3395438", "IDR", Decimal(387105)),
        ("3602369", "BTC", Decimal("0.00118769")),
    ]
    assert deposits[1].status is TransferStatus.OK
    assert deposits[1].txid == "c816aeb35a5b42f389970325a32aff69bb6b2126784dcda8f23b9dd9570d6573"


async def test_trans_history_withdrawals(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.TRANS_HISTORY)
    [withdrawal] = await client.fetch_withdrawals()
    assert (withdrawal.id, withdrawal.amount, withdrawal.fee) == ("1783717", Decimal(114705), Decimal(500))


async def test_trade_answer(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.TRADE)
    order = await client.create_order(
        "BTC/IDR",
        OrderSide.BUY,
        OrderType.LIMIT,
        Decimal("0.001"),
        Decimal(5000000000),
        client_order_id="clientx-sj82ks82j",
    )
    assert (order.id, order.status, order.client_order_id) == (
        "59632813",
        OrderStatus.OPEN,
        "clientx-sj82ks82j",
    )


async def test_trade_history(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.TRADE_HISTORY)
    [trade] = await client.fetch_my_trades("BTC/IDR")
    assert (trade.id, trade.order_id, trade.side) == ("17393994", "59636253", OrderSide.SELL)
    assert (trade.amount, trade.price, trade.cost) == (
        Decimal("0.00313482"),
        107202000,
        Decimal("0.00313482") * 107202000,
    )


async def test_open_orders_of_one_pair(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.OPEN_ORDERS_PAIR)
    sell, buy = await client.fetch_open_orders("BTC/IDR")
    assert (sell.amount, sell.filled, sell.status) == (
        Decimal("0.02"),
        Decimal("0.0186655"),
        OrderStatus.OPEN,
    )
    assert (buy.type, buy.cost) == (OrderType.STOP_LIMIT, Decimal(0))


async def test_open_orders_of_every_pair_are_grouped_by_pair(
    client: IndodaxClient, mock: aioresponses
) -> None:
    mock.post(TAPI, body=examples.OPEN_ORDERS_ALL)
    orders = await client.fetch_open_orders()
    assert [(o.id, o.symbol) for o in orders] == [("172", "BTC/IDR"), ("173", "BTC/IDR")]


async def test_order_history_gives_closed_orders(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.ORDER_HISTORY)
    cancelled, filled = await client.fetch_closed_orders("BTC/IDR")
    assert (cancelled.status, cancelled.filled) == (OrderStatus.CANCELED, Decimal(0))
    assert (filled.status, filled.filled) == (OrderStatus.CLOSED, Decimal("0.00313482"))


async def test_get_order(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.GET_ORDER)
    order = await client.fetch_order("59639504", "BTC/IDR")
    assert (order.side, order.status, order.price) == (
        OrderSide.BUY,
        OrderStatus.CANCELED,
        Decimal(100207000),
    )
    assert order.client_order_id == "clientx-sj82ks82j"


async def test_get_order_by_client_order_id(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.GET_ORDER_BY_CLIENT_ID)
    order = await client.fetch_order_by_client_order_id("clientx-sj82ks82j", "BTC/IDR")
    assert (order.id, order.symbol) == ("59639504", "BTC/IDR")


async def test_cancel_by_client_order_id(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.CANCEL)
    order = await client.cancel_order_by_client_order_id("clientx-sj82ks82j")
    assert (order.id, order.symbol, order.side, order.status) == (
        "666883",
        "BTC/IDR",
        OrderSide.SELL,
        OrderStatus.CANCELED,
    )


async def test_cancel_order_with_known_side_and_type_sends_one_request(
    client: IndodaxClient, mock: aioresponses
) -> None:
    mock.post(TAPI, body=examples.CANCEL)
    order = await client.cancel_order("666883", "BTC/IDR", side=OrderSide.SELL, type=OrderType.LIMIT)
    assert order is not None and order.status is OrderStatus.CANCELED


async def test_withdraw_fee(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.WITHDRAW_FEE)
    assert await client.fetch_withdraw_fee("ETH") == Decimal("0.005")


async def test_withdraw_coin_answer_has_no_return_key(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.WITHDRAW_COIN)
    withdrawal = await client.withdraw(
        "DOGE", Decimal(10), "D9iCdBLBosJzGSvpQGMSobwtdgB2rS1zam", network="doge"
    )
    assert (withdrawal.id, withdrawal.fee, withdrawal.status) == (
        "doge-1941965",
        Decimal(5),
        TransferStatus.PENDING,
    )
    assert withdrawal.txid is None


async def test_withdraw_to_username(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.WITHDRAW_USERNAME)
    withdrawal = await client.withdraw_to_username("AAVE", Decimal("0.05"), "User_13")
    assert (withdrawal.id, withdrawal.address, withdrawal.raw_status) == ("aave-163", "User_13", "wait")


async def test_success_may_be_a_string(client: IndodaxClient, mock: aioresponses) -> None:
    mock.post(TAPI, body=examples.WITHDRAW_FEE.replace('"success":1', '"success":"1"'))
    assert await client.fetch_withdraw_fee("ETH") == Decimal("0.005")
