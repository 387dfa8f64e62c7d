"""Bids: statuses as the operator lists them, api_id always sent, writes sent at most once."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
from aioresponses import aioresponses

from services.exchanges import errors
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.exchanger.models import BidStatus

from . import doc_examples as doc
from .conftest import sent, url

CANCELLABLE = {"new", "techpay", "coldnew", "amlwait", "merchwait"}
FINAL = {"success", "cancel", "delete", "error"}


def test_bid_statuses_are_the_twenty_the_operator_lists() -> None:
    assert {s.value for s in BidStatus} == {
        *[
            "coldnew",
            "new",
            "cancel",
            "delete",
            "techpay",
            "payed",
            "coldpay",
            "partpay",
            "realpay",
            "verify",
        ],
        *[
            "amlwait",
            "amlerror",
            "merchwait",
            "mercherror",
            "error",
            "payouterror",
            "scrpayerror",
            "coldsuccess",
        ],
        *["partpayout", "success"],
    }


@pytest.mark.parametrize("status", list(BidStatus))
def test_only_the_listed_statuses_are_cancellable(status: BidStatus) -> None:
    assert status.is_cancellable == (status.value in CANCELLABLE)


@pytest.mark.parametrize("status", list(BidStatus))
def test_only_the_listed_statuses_are_final(status: BidStatus) -> None:
    assert status.is_final == (status.value in FINAL)


async def test_create_bid_sends_the_callers_api_id(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("create_bid"), body=doc.ok(doc.BID))
    await client.create_bid("11", Decimal("0.5"), api_id="order-77", fields={"cf6": "a@b.test"})
    form = dict(parse_qsl(sent(mock, "create_bid")[0].kwargs["data"].decode()))
    assert form["api_id"] == "order-77"
    assert form["cf6"] == "a@b.test"


async def test_create_bid_generates_an_api_id_when_none_is_given(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("create_bid"), body=doc.ok(doc.BID))
    bid = await client.create_bid("11", Decimal("0.5"))
    form = dict(parse_qsl(sent(mock, "create_bid")[0].kwargs["data"].decode()))
    assert bid.api_id and form["api_id"] == bid.api_id


@pytest.mark.parametrize(("amount", "wire"), [(Decimal("1E-7"), "0.0000001"), (Decimal("2.5E+3"), "2500")])
async def test_amounts_go_on_the_wire_in_positional_notation(
    client: ExchangerClient, mock: aioresponses, amount: Decimal, wire: str
) -> None:
    mock.post(url("create_bid"), body=doc.ok(doc.BID))
    await client.create_bid("11", amount, api_id="order-78")
    form = dict(parse_qsl(sent(mock, "create_bid")[0].kwargs["data"].decode()))
    assert form["calc_amount"] == wire


async def test_an_unreadable_answer_to_create_bid_is_outcome_unknown(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("create_bid"), body='{"error": 0, "data": {"unexpected": "shape"}}')
    with pytest.raises(errors.OutcomeUnknown, match="api_id=order-79"):
        await client.create_bid("11", Decimal("0.5"), api_id="order-79")
    assert len(sent(mock, "create_bid")) == 1


async def test_a_failed_create_bid_is_not_sent_again(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("create_bid"), status=502, body="Bad gateway", repeat=True)
    with pytest.raises(errors.OutcomeUnknown):
        await client.create_bid("11", Decimal("0.5"), api_id="order-77")
    assert len(sent(mock, "create_bid")) == 1


async def test_a_create_bid_timeout_is_outcome_unknown_naming_the_api_id(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("create_bid"), exception=TimeoutError())
    with pytest.raises(errors.OutcomeUnknown, match="api_id=order-77"):
        await client.create_bid("11", Decimal("0.5"), api_id="order-77")


async def test_find_bid_by_api_id_asks_get_exchanges_for_that_api_id(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("get_exchanges"), body=doc.ok(doc.EXCHANGES))
    record = await client.find_bid_by_api_id("order-77")
    assert record is not None and record.id == "501"
    assert dict(parse_qsl(sent(mock, "get_exchanges")[0].kwargs["data"].decode()))["api_id"] == "order-77"


async def test_find_bid_by_api_id_ignores_other_api_ids(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_exchanges"), body=doc.ok(doc.EXCHANGES))
    assert await client.find_bid_by_api_id("order-78") is None


@pytest.mark.parametrize("method", ["cancel_bid", "pay_bid", "success_bid"])
async def test_bid_actions_are_sent_once(client: ExchangerClient, mock: aioresponses, method: str) -> None:
    mock.post(url(method), status=503, body="down", repeat=True)
    with pytest.raises(errors.OutcomeUnknown):
        await getattr(client, method)("a1b2c3d4e5")
    assert len(sent(mock, method)) == 1


async def test_a_read_is_retried_after_a_transient_failure(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("bid_info"), status=502, body="Bad gateway")
    mock.post(url("bid_info"), body=doc.ok(doc.BID))
    assert (await client.bid_info(bid_id="501")).id == "501"


async def test_bid_info_needs_an_id_or_a_hash(client: ExchangerClient) -> None:
    with pytest.raises(ValueError, match="id or hash"):
        await client.bid_info()


async def test_a_cancel_answered_with_another_status_is_refused(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("cancel_bid"), body=doc.ok("success"))
    with pytest.raises(errors.InvalidOrder, match="it is success"):
        await client.cancel_bid("a1b2c3d4e5")
