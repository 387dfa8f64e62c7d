"""One scenario, five exchanges: the same interface against each simulator over real HTTP."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from sandbox.exchanges.common import running
from sandbox.exchanges.common.seed import Seed
from services.exchanges import errors
from services.exchanges.base import ClientConfig, Credentials, ExchangeClient
from services.exchanges.capabilities import Capability as C
from services.exchanges.models import OrderSide, OrderStatus, OrderType
from services.exchanges.registry import EXCHANGES, client_class, create_client
from tests.unit.exchanges.framework.capability_methods import METHOD_OF

QUOTE = {"indodax": "IDR"}

# What each exchange's document allows (see the notes in each client's constants and the issue notes):
# Iqfinex publishes no transfers; exchanger sites swap coins through bids, with no book or balance;
# IncoreX has neither candles nor a single-order lookup; Indodax's trade takes no stop price; Narkasa
# lists only active orders.
EXPECTED = {
    "incorex": {
        C.FETCH_MARKETS, C.FETCH_TICKERS, C.FETCH_ORDER_BOOK, C.FETCH_TRADES, C.FETCH_BALANCE,
        C.FETCH_OPEN_ORDERS, C.FETCH_CLOSED_ORDERS, C.FETCH_MY_TRADES, C.CREATE_LIMIT_ORDER,
        C.CREATE_MARKET_ORDER, C.CREATE_STOP_LIMIT_ORDER, C.CANCEL_ORDER, C.WITHDRAW, C.FETCH_DEPOSITS,
        C.FETCH_WITHDRAWALS, C.FETCH_DEPOSIT_ADDRESS,
    },
    "iqfinex": {
        C.FETCH_MARKETS, C.FETCH_TICKERS, C.FETCH_ORDER_BOOK, C.FETCH_TRADES, C.FETCH_OHLCV,
        C.FETCH_BALANCE, C.FETCH_OPEN_ORDERS, C.FETCH_CLOSED_ORDERS, C.FETCH_ORDER, C.FETCH_MY_TRADES,
        C.CREATE_LIMIT_ORDER, C.CREATE_MARKET_ORDER, C.CREATE_STOP_LIMIT_ORDER, C.CANCEL_ORDER,
    },
    "indodax": {
        C.FETCH_MARKETS, C.FETCH_TICKERS, C.FETCH_ORDER_BOOK, C.FETCH_TRADES, C.FETCH_OHLCV,
        C.FETCH_BALANCE, C.FETCH_OPEN_ORDERS, C.FETCH_CLOSED_ORDERS, C.FETCH_ORDER, C.FETCH_MY_TRADES,
        C.CREATE_LIMIT_ORDER, C.CREATE_MARKET_ORDER, C.CANCEL_ORDER, C.WITHDRAW, C.FETCH_DEPOSITS,
        C.FETCH_WITHDRAWALS, C.FETCH_DEPOSIT_ADDRESS, C.CLIENT_ORDER_ID, C.WITHDRAW_REQUEST_ID,
    },
    "exchanger": {C.FETCH_MARKETS, C.FETCH_TICKERS, C.EXCHANGE_BIDS, C.BID_API_ID},
    "narkasa": {
        C.FETCH_MARKETS, C.FETCH_TICKERS, C.FETCH_ORDER_BOOK, C.FETCH_TRADES, C.FETCH_OHLCV,
        C.FETCH_BALANCE, C.FETCH_OPEN_ORDERS, C.FETCH_ORDER, C.FETCH_MY_TRADES, C.CREATE_LIMIT_ORDER,
        C.CREATE_MARKET_ORDER, C.CREATE_STOP_LIMIT_ORDER, C.CANCEL_ORDER, C.WITHDRAW, C.FETCH_DEPOSITS,
        C.FETCH_WITHDRAWALS, C.FETCH_DEPOSIT_ADDRESS, C.WATCH_TICKERS, C.WATCH_USER,
    },
}  # fmt: skip


@pytest.fixture(params=EXCHANGES)
async def client(request: pytest.FixtureRequest) -> AsyncIterator[ExchangeClient]:
    name: str = request.param
    seed = Seed.default(name, quote=QUOTE.get(name, "USDT"))
    module = __import__(f"sandbox.exchanges.{name}", fromlist=["create_app"])
    alice = seed.account("alice")
    async with running(module.create_app(seed)) as base_url:
        credentials = Credentials(alice.api_key, alice.api_secret, alice.api_login)
        exchange_client = create_client(
            name, ClientConfig(account=f"{name}-test", credentials=credentials, base_url=base_url)
        )
        try:
            yield exchange_client
        finally:
            await exchange_client.close()


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_capabilities_are_what_the_document_allows(exchange: str) -> None:
    assert set(client_class(exchange).capabilities) == EXPECTED[exchange]


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_every_declared_capability_has_its_method(exchange: str) -> None:
    cls = client_class(exchange)
    for capability in cls.capabilities:
        method = METHOD_OF.get(capability)
        if method is not None:
            assert getattr(cls, method) is not getattr(ExchangeClient, method), (exchange, capability)


async def test_markets_and_all_tickers(client: ExchangeClient) -> None:
    markets = await client.fetch_markets()
    quote = QUOTE.get(client.exchange, "USDT")
    assert f"BTC/{quote}" in {m.symbol for m in markets}
    tickers = await client.fetch_tickers()
    ticker = tickers[f"BTC/{quote}"]
    assert ticker.last is not None or ticker.bid is not None
    assert all(isinstance(v, Decimal) for v in (ticker.last, ticker.bid, ticker.ask) if v is not None)


async def test_balance_where_the_exchange_keeps_one(client: ExchangeClient) -> None:
    if not client.has(C.FETCH_BALANCE):
        with pytest.raises(errors.NotSupported):
            await client.fetch_balance()
        return
    balances = await client.fetch_balance()
    assert balances.get("BTC").total == Decimal(2)


async def test_order_create_list_and_cancel_where_supported(client: ExchangeClient) -> None:
    quote = QUOTE.get(client.exchange, "USDT")
    pair = f"BTC/{quote}"
    if not client.has(C.CREATE_LIMIT_ORDER):
        with pytest.raises(errors.NotSupported):
            await client.create_order(pair, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal(1))
        return
    ticker = await client.fetch_ticker(pair)
    reference = ticker.bid or ticker.last
    assert reference is not None
    market = await client.market(pair)
    places = market.precision.price if market.precision.price is not None else 2
    price = (reference * Decimal("0.8")).quantize(Decimal(1).scaleb(-places))  # far below: it rests
    order = await client.create_order(pair, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), price)
    assert order.status is OrderStatus.OPEN
    open_ids = {o.id for o in await client.fetch_open_orders(pair)}
    assert order.id in open_ids
    await client.cancel_order(order.id, pair)
    assert order.id not in {o.id for o in await client.fetch_open_orders(pair)}


def test_capability_table_covers_every_method_the_interface_has() -> None:
    interface = {name for name, _ in inspect.getmembers(ExchangeClient, inspect.iscoroutinefunction)}
    assert set(METHOD_OF.values()) <= interface
