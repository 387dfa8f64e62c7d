"""Every response of the document parses into typed models with Decimal money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from aioresponses import aioresponses

from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.exchanger.models import BidStatus, PayoutStatus

from . import doc_examples as doc
from .conftest import url


async def test_test_tells_who_the_key_belongs_to(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("test"), body=doc.ok(doc.TEST))
    info = await client.fetch_account_info()
    assert info.details == {"ip": "203.0.113.7", "user_id": "15", "locale": "en_US", "partner_id": "15"}


async def test_direction_currencies_list_give_and_get(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_direction_currencies"), body=doc.ok(doc.DIRECTION_CURRENCIES))
    currencies = await client.get_direction_currencies()
    assert [c.id for c in currencies.give] == ["1"]
    assert [c.title for c in currencies.get] == ["Tether TRC20 USDT", "Sberbank RUB"]


async def test_directions_accept_numeric_and_string_ids(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_directions"), body=doc.ok(doc.DIRECTIONS))
    directions = await client.get_directions()
    assert [(d.id, d.give_currency_id, d.get_currency_id) for d in directions] == [
        ("11", "1", "2"),
        ("12", "2", "1"),
    ]


async def test_a_direction_has_rate_reserve_and_limits_with_no_meaning_unset(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("get_direction"), body=doc.ok(doc.DIRECTION))
    direction = await client.get_direction("11")
    assert (direction.give_code, direction.get_code) == ("BTC", "USDTTRC20")
    assert direction.rate == Decimal("61000.25")
    assert direction.reserve == Decimal("152000.5")
    assert (direction.min_give, direction.max_give) == (Decimal("0.001"), None)
    assert (direction.min_get, direction.max_get) == (None, Decimal(100000))


async def test_a_direction_lists_its_fields_and_which_go_into_cd(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("get_direction"), body=doc.ok(doc.DIRECTION))
    direction = await client.get_direction("11")
    assert [(f.name, f.required) for f in direction.give_fields + direction.get_fields] == [
        ("account1", True),
        ("account2", True),
    ]
    assert [(f.name, f.cd) for f in direction.dir_fields] == [("cf6", True)]
    assert direction.info.before_button_text == "Check the wallet address."


async def test_calc_gives_amounts_with_and_without_commission(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("get_calc"), body=doc.ok(doc.CALC))
    calc = await client.get_calc("11", Decimal("0.5"))
    assert (calc.sum_give, calc.sum_give_com, calc.sum_get) == (
        Decimal("0.5"),
        Decimal("0.5005"),
        Decimal("30500.125"),
    )
    assert calc.changed is False


async def test_create_bid_returns_the_bid_with_its_api_actions(
    client: ExchangerClient, mock: aioresponses
) -> None:
    mock.post(url("create_bid"), body=doc.ok(doc.BID))
    bid = await client.create_bid("11", Decimal("0.5"), account_to="TXaddr", api_id="order-77")
    assert (bid.id, bid.hash, bid.status, bid.api_id) == ("501", "a1b2c3d4e5", BidStatus.NEW, "order-77")
    assert bid.amount_get == Decimal("30500.125")
    assert bid.actions.cancel_via_api and bid.actions.pay_via_api
    assert bid.actions.pay_amount == Decimal("0.5005")


async def test_bid_info_reads_links_as_not_via_api(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("bid_info"), body=doc.ok(doc.BID_PAID_BY_MERCHANT))
    bid = await client.bid_info(bid_hash="a1b2c3d4e5")
    assert bid.status is BidStatus.PAYED
    assert not bid.actions.cancel_via_api
    assert not bid.actions.pay_via_api
    assert bid.actions.pay == "https://x.test/pay/501"


async def test_a_status_answer_may_be_bare(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("cancel_bid"), body=doc.ok(doc.STATUS_BARE))
    assert await client.cancel_bid("a1b2c3d4e5") is BidStatus.CANCEL


async def test_a_status_answer_may_be_an_object(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("pay_bid"), body=doc.ok(doc.STATUS_OBJECT))
    assert await client.pay_bid("a1b2c3d4e5") is BidStatus.PAYED


async def test_exchanges_carry_api_id_and_status_history(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_exchanges"), body=doc.ok(doc.EXCHANGES))
    (record,) = await client.get_exchanges(status_history=True)
    assert (record.id, record.api_id, record.status) == ("501", "order-77", BidStatus.SUCCESS)
    assert record.time == datetime(2024, 5, 29, 16, 26, 40, tzinfo=UTC)
    assert [s.status for s in record.statuses] == [BidStatus.NEW, BidStatus.PAYED, BidStatus.SUCCESS]


async def test_partner_info_lists_payout_currencies(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_partner_info"), body=doc.ok(doc.PARTNER_INFO))
    info = await client.get_partner_info()
    assert (info.partner_id, info.balance, info.min_payout) == ("15", Decimal("12.5"), Decimal(10))
    assert [(c.id, c.commission, c.amount) for c in info.currencies] == [("4", "1%", Decimal("12.5"))]


async def test_partner_links(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_partner_links"), body=doc.ok(doc.PARTNER_LINKS))
    (link,) = await client.get_partner_links(limit=10)
    assert (link.ip, link.referrer, link.query_string) == (
        "198.51.100.4",
        "https://forum.test/thread",
        "rid=15",
    )


async def test_partner_exchanges_carry_the_reward(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_partner_exchanges"), body=doc.ok(doc.PARTNER_EXCHANGES))
    (record,) = await client.get_partner_exchanges()
    assert (record.accrued, record.partner_reward, record.status) == (
        True,
        Decimal("1.25"),
        BidStatus.SUCCESS,
    )


async def test_partner_payouts_map_the_status_number(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("get_partner_payouts"), body=doc.ok(doc.PARTNER_PAYOUTS))
    (payout,) = await client.get_partner_payouts()
    assert (payout.id, payout.pay_amount, payout.status) == ("9", Decimal("11.25"), PayoutStatus.PAID)


async def test_add_partner_payout_returns_the_payout_id(client: ExchangerClient, mock: aioresponses) -> None:
    mock.post(url("add_partner_payout"), body=doc.ok(doc.PAYOUT_CREATED))
    assert await client.add_partner_payout("4", "TXexampleaddress") == "10"
