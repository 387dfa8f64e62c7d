"""Where incorex.txt's words and examples decide what the client reads and sends."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sized
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from aioresponses import aioresponses
from yarl import URL

from services.exchanges.incorex.client import IncorexClient
from services.exchanges.models import OrderSide, OrderType

from .conftest import BASE, url
from .test_parsing import ORDER_CREATE, TICKER, sent_form


async def test_ticker_follows_the_example_where_its_labels_disagree(
    client: IncorexClient, mock: aioresponses
) -> None:
    # labels: "2. price of last lowest ask", "3. price of last highest bid"; example:
    # "BTC/USD", "7478.24", "7503.9", ... with last deal "7503.9": an ask below the bid would be a crossed
    # book, so the example has the bid second and the ask third
    mock.get(url("ticker"), payload=TICKER)
    ticker = (await client.fetch_tickers())["BTC/USD"]
    assert (ticker.bid, ticker.ask) == (Decimal("7478.24"), Decimal("7503.9"))


async def test_a_crossed_ticker_is_swapped_and_logged_once(
    client: IncorexClient, mock: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    row = list(TICKER["BTC_USD"])
    row[1], row[2] = "7503.9", "7478.24"  # the order the labels give
    mock.get(url("ticker"), payload={"BTC_USD": row}, repeat=True)
    with caplog.at_level(logging.WARNING):
        first = (await client.fetch_tickers())["BTC/USD"]
        second = (await client.fetch_tickers())["BTC/USD"]
    for ticker in (first, second):
        assert (ticker.bid, ticker.ask) == (Decimal("7478.24"), Decimal("7503.9"))
    assert len([r for r in caplog.records if "ask below bid" in r.getMessage()]) == 1


@pytest.mark.parametrize(
    ("method", "call"),
    [
        ("user_open_orders", lambda c: c.fetch_open_orders()),
        ("user_trades", lambda c: c.fetch_my_trades()),
        ("deposit_address", lambda c: c.deposit_addresses()),
    ],
)
async def test_an_empty_list_where_an_object_is_documented_means_none(
    client: IncorexClient, mock: aioresponses, method: str, call: Callable[[IncorexClient], Awaitable[Sized]]
) -> None:
    # user_open_orders: "Returnable response: { "BTC_USD": [ ... ] }"; with nothing to list the server's
    # JSON encoder writes an empty object as []
    mock.post(url(method), payload=[])
    assert len(await call(client)) == 0


async def test_user_info_with_no_balances_as_empty_lists(client: IncorexClient, mock: aioresponses) -> None:
    # "balances - available user balance", "reserved - user balance in orders": objects, [] when none
    mock.post(url("user_info"), payload={"uid": 1, "server_time": 1, "balances": [], "reserved": []})
    assert not (await client.fetch_balance()).assets


async def test_a_market_order_sends_a_price_as_the_documents_example(
    client: IncorexClient, mock: aioresponses
) -> None:
    # "api_query("order_create", Array( "pair" => "BTC_USD", "quantity" => 1, "price" => 100,
    #  "position" => "buy", "type" => "market" ))"
    mock.get(url("ticker"), payload=TICKER)
    mock.post(url("order_create"), payload=ORDER_CREATE)
    await client.create_order("BTC/USD", OrderSide.BUY, OrderType.MARKET, Decimal(1))
    form = sent_form(mock, "order_create")
    assert (form["type"], form["price"]) == ("market", "7503.9")  # a buy is priced at the ask


def _day(begin: int) -> dict[str, object]:
    return {"name": "wallet_history", "status": "ok", "id": 0, "msg": "Ok", "begin": str(begin),
            "end": str(begin + 86399), "history": []}  # fmt: skip


async def test_wallet_history_asks_for_the_servers_days_as_the_example_does(
    client: IncorexClient, mock: aioresponses
) -> None:
    # "api_query("wallet_history", Array( "date" => 1528239599 ))" answers "begin": "1528239600",
    # "end": "1528325999": the day beginning at B is asked for with date B - 1
    mock.post(url("wallet_history"), payload=_day(1528239600 + 86400))  # the server's current day
    mock.post(url("wallet_history"), payload=_day(1528239600))
    await client.fetch_deposits(since=datetime.fromtimestamp(1528239600 + 3600, UTC))
    calls = mock.requests[("POST", URL(f"{BASE}/wallet_history"))]
    sent = [dict(parse_qsl(call.kwargs["data"].decode())).get("date") for call in calls]
    assert sent == [None, "1528239599"]
