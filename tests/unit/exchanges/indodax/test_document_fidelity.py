"""Where indodax-tapi.txt's words (and answers other public clients have seen) decide what the client
reads and sends."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aioresponses import CallbackResult, aioresponses

from services.exchanges import errors
from services.exchanges.indodax.client import IndodaxClient
from services.exchanges.models import OrderSide

from . import examples
from .conftest import TAPI

NO_ORDERS = '{"success":1,"return":{"orders":[]}}'
EMPTY_HISTORY = '{"success":1,"return":{"withdraw":{},"deposit":{}}}'
NO_TRADES = '{"success":1,"return":{"trades":[]}}'


def answer_by_method(mock: aioresponses, answers: Mapping[str, str]) -> list[dict[str, str]]:
    """Serves each TAPI method its answer (calls may run concurrently); returns the forms sent."""
    sent: list[dict[str, str]] = []

    def reply(url: Any, **kwargs: Any) -> CallbackResult:
        form = dict(parse_qsl(kwargs["data"].decode()))
        sent.append(form)
        return CallbackResult(body=answers[form["method"]])

    mock.post(TAPI, callback=reply, repeat=True)
    return sent


def sent_of(sent: list[dict[str, str]], method: str) -> list[dict[str, str]]:
    return [form for form in sent if form["method"] == method]


async def test_an_empty_error_beside_success_is_no_error(client: IndodaxClient, mock: aioresponses) -> None:
    # real answers carry "error": "" with "success": 1; only a non-empty error fails (withdrawCoin's
    # documented "success": 1, "error" : "Username is not found!")
    body = json.loads(examples.WITHDRAW_FEE) | {"error": "", "error_code": ""}
    mock.post(TAPI, body=json.dumps(body))
    assert await client.fetch_withdraw_fee("ETH") == Decimal("0.005")


async def test_orders_null_is_an_empty_list(client: IndodaxClient, mock: aioresponses) -> None:
    # "orders": null is what the exchange answers when there are none (seen by other public clients)
    mock.post(TAPI, body='{"success":1,"return":{"orders":null}}', repeat=True)
    assert await client.fetch_open_orders() == []
    assert await client.fetch_open_orders("BTC/IDR") == []
    assert await client.fetch_closed_orders("BTC/IDR") == []


@pytest.mark.parametrize("side", [OrderSide.BUY, None])
async def test_cancelling_a_stop_limit_order_sends_stoplimit(
    client: IndodaxClient, mock: aioresponses, side: OrderSide | None
) -> None:
    # cancelOrder: "order_type | string | optional | type of order | limit, stoplimit | limit"; the
    # default is limit, so a stop-limit order must say so (order 173 is "order_type": "stoplimit")
    sent = answer_by_method(mock, {"openOrders": examples.OPEN_ORDERS_PAIR, "cancelOrder": examples.CANCEL})
    await client.cancel_order("173", "BTC/IDR", side=side)
    (cancel,) = sent_of(sent, "cancelOrder")
    assert (cancel["type"], cancel["order_type"]) == ("buy", "stoplimit")


async def test_withdraw_coin_always_sends_the_network(client: IndodaxClient, mock: aioresponses) -> None:
    # withdrawCoin: "network | string | yes | Currency network if exist";
    # getInfo: "network": {"btc": "mainnet"}
    sent = answer_by_method(mock, {"getInfo": examples.GET_INFO, "withdrawCoin": examples.WITHDRAW_COIN})
    await client.withdraw("BTC", Decimal(10), "D9iCdBLBosJzGSvpQGMSobwtdgB2rS1zam")
    (withdraw,) = sent_of(sent, "withdrawCoin")
    assert withdraw["network"] == "mainnet"


async def test_withdraw_asks_which_network_when_there_are_several(
    client: IndodaxClient, mock: aioresponses
) -> None:
    # getInfo: "eth": ["eth", "arb", "op", "base"]
    sent = answer_by_method(mock, {"getInfo": examples.GET_INFO})
    with pytest.raises(errors.NetworkRequired) as asked:
        await client.withdraw("ETH", Decimal(1), "0xa6fd81330501442e8dff403f966b6e023a53763e")
    assert asked.value.networks == ["eth", "arb", "op", "base"]
    assert sent_of(sent, "withdrawCoin") == []


async def test_own_trades_are_searched_in_pairs_whose_balance_is_now_zero(
    client: IndodaxClient, mock: aioresponses
) -> None:
    # getInfo's example holds "btc": "0.00000000"; transHistory shows a btc deposit: BTC/IDR was traded
    # lately and must be searched ("tradeHistory ... pair | string | yes")
    sent = answer_by_method(
        mock,
        {
            "getInfo": examples.GET_INFO,
            "openOrders": NO_ORDERS,
            "transHistory": examples.TRANS_HISTORY,
            "tradeHistory": examples.TRADE_HISTORY,
        },
    )
    trades = await client.fetch_my_trades()
    searched = {form["pair"] for form in sent_of(sent, "tradeHistory")}
    assert searched == {"btc_idr", "eth_idr"}
    assert "17393994" in {t.id for t in trades}
