"""A write the exchange executed whose answer is lost is OutcomeUnknown and is sent exactly once.

Each simulator accepts the order (or bid), then a proxy's 502 replaces its answer: the client must say
"outcome unknown" (never "failed", never send it again) and the simulator must hold exactly one order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest

from sandbox.exchanges.common import STATE_KEY, Fault, Seed, SimExchangeState, running
from sandbox.exchanges.exchanger import SITE_KEY
from services.exchanges import errors
from services.exchanges.base import ClientConfig, Credentials, ExchangeClient
from services.exchanges.capabilities import Capability as C
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.models import OrderSide, OrderType
from services.exchanges.registry import EXCHANGES, client_class, create_client
from services.exchanges.transport import RetryPolicy

PROXY_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
# the simulators' names for the write each exchange places an order (or a bid) with
WRITE_ENDPOINT = {
    "incorex": "order_create",
    "iqfinex": "order_create",
    "indodax": "trade",
    "narkasa": "market/limit-buy",
    "exchanger": "create_bid",
}
QUOTE = {"indodax": "IDR"}


@dataclass
class Site:
    client: ExchangeClient
    state: SimExchangeState
    held: Callable[[], int]  # orders (or bids) the simulator holds for alice


@asynccontextmanager
async def site(exchange: str) -> AsyncIterator[Site]:
    seed = Seed.default(exchange, quote=QUOTE.get(exchange, "USDT"))
    module = __import__(f"sandbox.exchanges.{exchange}", fromlist=["create_app"])
    app = module.create_app(seed)
    state = app[STATE_KEY]
    if exchange == "exchanger":
        bids = app[SITE_KEY].bids

        def held() -> int:
            return len(bids.bids)
    else:

        def held() -> int:
            return len(state.orders_of("alice"))

    alice = seed.account("alice")
    async with running(app) as base_url:
        config = ClientConfig(
            account=f"{exchange}-test",
            credentials=Credentials(alice.api_key, alice.api_secret, alice.api_login),
            base_url=base_url,
            retry=RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02),
        )
        async with create_client(exchange, config) as client:
            yield Site(client, state, held)


async def place(client: ExchangeClient) -> Awaitable[object]:
    if isinstance(client, ExchangerClient):
        return client.create_bid("1", Decimal("0.01"), account_to="TXsimulatedwallet0001")
    pair = f"BTC/{QUOTE.get(client.exchange, 'USDT')}"
    ticker = await client.fetch_ticker(pair)
    reference = ticker.bid or ticker.last
    assert reference is not None
    market = await client.market(pair)
    places = market.precision.price if market.precision.price is not None else 2
    price = (reference * Decimal("0.8")).quantize(Decimal(1).scaleb(-places))  # far below: it rests
    return client.create_order(pair, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), price)


@pytest.mark.parametrize("exchange", EXCHANGES)
async def test_a_502_after_the_order_was_accepted_is_outcome_unknown_and_sent_once(exchange: str) -> None:
    endpoint = WRITE_ENDPOINT[exchange]
    async with site(exchange) as s:
        placing = await place(s.client)
        s.state.faults.add(
            endpoint, Fault("status", status=502, body=PROXY_502, content_type="text/html", after=True)
        )
        with pytest.raises(errors.OutcomeUnknown):
            await placing
        assert s.state.requests.count(endpoint, write=True) == 1
        assert s.held() == 1


@pytest.mark.parametrize("exchange", EXCHANGES)
@pytest.mark.parametrize(
    "body", ['{"unexpected": true}', '{"success": 1, "return": {"order'], ids=["shape", "cut"]
)
async def test_an_unreadable_answer_after_the_order_was_accepted_is_outcome_unknown(
    exchange: str, body: str
) -> None:
    endpoint = WRITE_ENDPOINT[exchange]
    async with site(exchange) as s:
        placing = await place(s.client)
        s.state.faults.add(endpoint, Fault("status", status=200, body=body, after=True))
        with pytest.raises(errors.OutcomeUnknown):
            await placing
        assert s.state.requests.count(endpoint, write=True) == 1
        assert s.held() == 1


# the idempotency keys each document defines: Indodax trade's client_order_id and withdrawCoin's
# request_id, the exchanger's api_id; IncoreX, Iqfinex and Narkasa define none
KEYS = {
    "incorex": set(),
    "iqfinex": set(),
    "indodax": {C.CLIENT_ORDER_ID, C.WITHDRAW_REQUEST_ID},
    "exchanger": {C.BID_API_ID},
    "narkasa": set(),
}
KEY_CAPABILITIES = {C.CLIENT_ORDER_ID, C.WITHDRAW_REQUEST_ID, C.BID_API_ID}


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_each_client_declares_the_idempotency_keys_it_honours(exchange: str) -> None:
    assert set(client_class(exchange).capabilities) & KEY_CAPABILITIES == KEYS[exchange]


@pytest.mark.parametrize("exchange", EXCHANGES)
async def test_a_key_the_exchange_cannot_honour_is_refused_before_sending(exchange: str) -> None:
    async with site(exchange) as s:
        client = s.client
        pair = f"BTC/{QUOTE.get(exchange, 'USDT')}"
        if client.has(C.CREATE_LIMIT_ORDER) and not client.has(C.CLIENT_ORDER_ID):
            with pytest.raises(errors.NotSupported):
                await client.create_order(
                    pair, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal(1), client_order_id="k-1"
                )
        if client.has(C.WITHDRAW) and not client.has(C.WITHDRAW_REQUEST_ID):
            with pytest.raises(errors.NotSupported):
                await client.withdraw("BTC", Decimal("0.01"), "bc1qsimulated", network="BTC", request_id="k2")
        assert s.state.requests.count(write=True) == 0
        assert s.held() == 0


async def test_indodax_returns_the_keys_it_was_given() -> None:
    async with site("indodax") as s:
        client = s.client
        ticker = await client.fetch_ticker("BTC/IDR")
        assert ticker.bid is not None
        price = (ticker.bid * Decimal("0.8")).quantize(Decimal(1))
        order = await client.create_order(
            "BTC/IDR", OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), price, client_order_id="bot-order-1"
        )
        withdrawal = await client.withdraw(
            "BTC", Decimal("0.1"), "bc1qexternal", network="mainnet", request_id="botwithdrawal1"
        )
    assert order.client_order_id == "bot-order-1"
    assert withdrawal.request_id == "botwithdrawal1"


async def test_the_exchanger_returns_the_api_id_it_was_given() -> None:
    async with site("exchanger") as s:
        assert isinstance(s.client, ExchangerClient)
        bid = await s.client.create_bid(
            "1", Decimal("0.01"), account_to="TXsimulatedwallet0001", api_id="bid-1"
        )
    assert bid.api_id == "bid-1"
