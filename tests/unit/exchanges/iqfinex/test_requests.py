"""What the client puts on the wire, and what it refuses before sending anything."""

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses
from yarl import URL

from services.exchanges import errors, jsonwire
from services.exchanges.base import INTERVAL_SECONDS, INTERVALS, ClientConfig
from services.exchanges.capabilities import Capability
from services.exchanges.iqfinex.client import IqfinexClient
from services.exchanges.iqfinex.constants import FRAMES
from services.exchanges.models import OrderSide, OrderType

from . import doc_examples
from .conftest import API_KEY, BASE


def sent(http: aioresponses, method: str, path: str) -> list[dict[str, Any]]:
    return [
        call.kwargs
        for (verb, url), calls in http.requests.items()
        for call in calls
        if verb == method and URL(url).path == path
    ]


async def test_private_calls_carry_the_raw_key_in_authorization(
    http: aioresponses, client: IqfinexClient
) -> None:
    http.get(f"{BASE}/v1/account/info", body=doc_examples.ACCOUNT_INFO)
    await client.fetch_account_info()
    [call] = sent(http, "GET", "/v1/account/info")
    assert call["headers"]["Authorization"] == API_KEY


async def test_public_calls_carry_no_key(http: aioresponses, client: IqfinexClient) -> None:
    http.get(f"{BASE}/v1/ticker/BTCUSDT", body=doc_examples.TICKER)
    await client.fetch_ticker("BTC/USDT")
    [call] = sent(http, "GET", "/v1/ticker/BTCUSDT")
    assert "Authorization" not in call["headers"]


async def test_stop_limit_order_body_has_the_documented_fields_as_numbers(
    http: aioresponses, client: IqfinexClient
) -> None:
    http.post(f"{BASE}/v1/order", body=doc_examples.ORDER_OPENED)
    await client.create_order(
        "ETH/BTC",
        OrderSide.SELL,
        OrderType.STOP_LIMIT,
        Decimal("1.245"),
        Decimal("0.03437"),
        stop_price=Decimal("0.0344"),
    )
    [call] = sent(http, "POST", "/v1/order")
    assert (
        call["data"] == b'{"asset":"ETHBTC","cmd":"sell","volume":1.245,"price":0.03437,"stopPrice":0.0344}'
    )
    assert call["headers"]["Content-Type"] == "application/json"


async def test_market_order_body_has_no_price(http: aioresponses, client: IqfinexClient) -> None:
    http.post(f"{BASE}/v1/order", body=doc_examples.ORDER_OPENED)
    await client.create_order("ETH/BTC", OrderSide.BUY, OrderType.MARKET, Decimal("2"))
    [call] = sent(http, "POST", "/v1/order")
    assert json.loads(call["data"]) == {"asset": "ETHBTC", "cmd": "buy", "volume": 2}


def test_decimals_are_written_as_exact_numbers_never_exponents() -> None:
    assert (
        jsonwire.dumps({"volume": Decimal("1E-8"), "rows": [Decimal("2.50")]})
        == '{"volume":0.00000001,"rows":[2.50]}'
    )


@pytest.mark.parametrize(
    ("order_type", "price", "stop_price"),
    [
        (OrderType.MARKET, Decimal("1"), None),
        (OrderType.LIMIT, None, None),
        (OrderType.LIMIT, Decimal("1"), Decimal("1")),
        (OrderType.STOP_LIMIT, Decimal("1"), None),
        (OrderType.LIMIT, Decimal("-1"), None),
    ],
)
async def test_inconsistent_order_kinds_are_refused_before_sending(
    http: aioresponses,
    client: IqfinexClient,
    order_type: OrderType,
    price: Decimal | None,
    stop_price: Decimal | None,
) -> None:
    with pytest.raises(errors.InvalidOrder):
        await client.create_order(
            "BTC/USDT", OrderSide.BUY, order_type, Decimal("1"), price, stop_price=stop_price
        )
    assert sent(http, "POST", "/v1/order") == []


async def test_amount_below_min_volume_names_the_minimum(http: aioresponses, client: IqfinexClient) -> None:
    with pytest.raises(errors.MinimumNotMet) as caught:
        await client.create_order("BTC/USDT", OrderSide.BUY, OrderType.MARKET, Decimal("0.0009"))
    assert caught.value.minimum == Decimal("0.001")


async def test_pair_without_trading_is_refused(http: aioresponses, client: IqfinexClient) -> None:
    with pytest.raises(errors.InvalidOrder):
        await client.create_order("MOD/ETH", OrderSide.BUY, OrderType.MARKET, Decimal("5"))


def test_every_chart_interval_maps_to_a_documented_frame() -> None:
    # Iqfinex names a frame by its length: every unified interval's length is a documented frame
    assert {INTERVAL_SECONDS[interval] for interval in INTERVALS} <= set(FRAMES)


async def test_candles_request_the_frame_of_the_interval(http: aioresponses, client: IqfinexClient) -> None:
    http.get(re.compile(rf"{BASE}/v1/candles/ETHBTC/14400\?limit=2$"), body=doc_examples.CANDLES)
    assert len(await client.fetch_ohlcv("ETH/BTC", "4h", limit=2)) == 2


async def test_candles_since_a_time_leave_out_older_ones(http: aioresponses, client: IqfinexClient) -> None:
    http.get(re.compile(rf"{BASE}/v1/candles/ETHBTC/300\?limit=500$"), body=doc_examples.CANDLES)
    since = datetime.fromtimestamp(1552377900, tz=UTC)
    candles = await client.fetch_ohlcv("ETH/BTC", "5m", since=since)
    assert [c.timestamp for c in candles] == [since, since + timedelta(seconds=300)]


async def test_an_unknown_interval_is_refused(http: aioresponses, client: IqfinexClient) -> None:
    with pytest.raises(errors.InvalidRequest):
        await client.fetch_ohlcv("ETH/BTC", "3m")


async def test_a_rounding_level_outside_0_to_3_is_refused(http: aioresponses, client: IqfinexClient) -> None:
    with pytest.raises(errors.InvalidRequest):
        await client.fetch_order_book("BTC/USDT", rounding=4)


async def test_page_sizes_are_capped_at_the_documented_maximum(
    http: aioresponses, client: IqfinexClient
) -> None:
    http.get(re.compile(rf"{BASE}/v1/trades\?.*"), body=doc_examples.MY_TRADES)
    await client.fetch_my_trades(limit=1000)
    [(_, url)] = [key for key in http.requests if key[1].path == "/v1/trades"]
    assert url.query["limit"] == "100"


async def test_an_order_id_that_is_not_a_number_never_reaches_the_path(
    http: aioresponses, client: IqfinexClient
) -> None:
    with pytest.raises(errors.OrderNotFound):
        await client.fetch_order("1/../../balance")


async def test_private_call_without_a_key_is_refused_locally(http: aioresponses) -> None:
    async with IqfinexClient(ClientConfig(account="anon", base_url=BASE)) as anonymous:
        with pytest.raises(errors.AuthenticationError):
            await anonymous.fetch_balance()


def test_capabilities_are_what_the_document_offers() -> None:
    assert Capability.WITHDRAW not in IqfinexClient.capabilities
    assert Capability.FETCH_DEPOSITS not in IqfinexClient.capabilities
    assert Capability.WATCH_TICKERS not in IqfinexClient.capabilities
    assert {Capability.CREATE_STOP_LIMIT_ORDER, Capability.FETCH_OHLCV} <= IqfinexClient.capabilities


async def test_unsupported_withdraw_says_so(client: IqfinexClient) -> None:
    with pytest.raises(errors.NotSupported):
        await client.withdraw("BTC", Decimal("1"), "addr")
