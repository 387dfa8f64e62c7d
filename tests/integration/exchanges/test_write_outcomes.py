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
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.models import OrderSide, OrderType
from services.exchanges.registry import EXCHANGES, create_client
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
