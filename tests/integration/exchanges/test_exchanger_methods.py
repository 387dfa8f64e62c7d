"""Every ExchangerClient method against the simulated site over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from sandbox.exchanges.common import Clock
from services.exchanges import errors
from services.exchanges.exchanger.client import ExchangerClient
from services.exchanges.exchanger.models import BidStatus, PayoutStatus

from .test_exchanger_fixtures import BTC_USDT, USDT_BTC, WALLET, Sim, callback_receiver, simulator


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator(clock=Clock.fixed(), payout_delay=None) as s:
        yield s


@pytest.fixture
async def client(sim: Sim) -> AsyncIterator[ExchangerClient]:
    async with sim.client() as c:
        yield c


async def bid(client: ExchangerClient, amount: str = "0.01", api_id: str | None = None) -> str:
    created = await client.create_bid(BTC_USDT, Decimal(amount), account_to=WALLET, api_id=api_id)
    return created.hash


async def test_account_info_comes_from_test(client: ExchangerClient) -> None:
    info = await client.fetch_account_info()
    assert info.details["locale"] == "en_US"
    assert info.details["user_id"] == "1"


async def test_direction_currencies_can_be_filtered_by_give(client: ExchangerClient) -> None:
    currencies = await client.get_direction_currencies()
    btc = next(c for c in currencies.give if c.title == "BTC")
    filtered = await client.get_direction_currencies(give_id=btc.id)
    assert [c.title for c in filtered.give] == ["BTC"]
    assert [c.title for c in filtered.get] == ["USDT"]


async def test_directions_list_both_ways_of_each_seed_market(client: ExchangerClient) -> None:
    directions = await client.get_directions()
    assert [(d.id, d.give_title, d.get_title) for d in directions] == [
        ("1", "BTC", "USDT"),
        ("2", "USDT", "BTC"),
        ("3", "ETH", "USDT"),
        ("4", "USDT", "ETH"),
    ]


async def test_a_direction_has_a_rate_a_reserve_and_a_minimum(client: ExchangerClient) -> None:
    direction = await client.get_direction(BTC_USDT)
    assert direction.rate == Decimal(59400)
    assert direction.reserve == Decimal(500000)
    assert direction.min_give == Decimal("0.0001") and direction.max_give is None


async def test_an_unknown_direction_is_an_unknown_pair(client: ExchangerClient) -> None:
    with pytest.raises(errors.UnknownPair, match="Direction not found"):
        await client.get_direction("999")


async def test_calc_converts_give_into_get(client: ExchangerClient) -> None:
    calc = await client.get_calc(BTC_USDT, Decimal("0.5"))
    assert (calc.sum_give, calc.sum_get, calc.changed) == (Decimal("0.5"), Decimal(29700), False)


async def test_calc_moves_an_amount_below_the_minimum_up_and_says_so(client: ExchangerClient) -> None:
    calc = await client.get_calc(BTC_USDT, Decimal("0.00001"))
    assert calc.changed is True
    assert calc.sum_give == Decimal("0.0001")


async def test_markets_and_tickers_come_from_directions(client: ExchangerClient) -> None:
    assert {m.symbol for m in await client.fetch_markets()} == {
        "BTC/USDT",
        "USDT/BTC",
        "ETH/USDT",
        "USDT/ETH",
    }
    tickers = await client.fetch_tickers()
    assert tickers["BTC/USDT"].last == Decimal(59400)
    assert (await client.fetch_ticker("eth_usdt")).last == Decimal(2970)


async def test_create_bid_reserves_the_payout_from_the_site_reserve(client: ExchangerClient) -> None:
    created = await client.create_bid(BTC_USDT, Decimal("0.5"), account_to=WALLET, api_id="a-1")
    assert (created.status, created.amount_get, created.api_id) == (BidStatus.NEW, Decimal(29700), "a-1")
    assert created.actions.cancel_via_api and created.actions.pay_via_api
    assert (await client.get_direction(BTC_USDT)).reserve == Decimal(500000 - 29700)


async def test_the_same_api_id_twice_makes_one_bid(sim: Sim, client: ExchangerClient) -> None:
    first = await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET, api_id="same")
    second = await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET, api_id="same")
    assert second.id == first.id
    assert len(sim.site.bids.bids) == 1


async def test_a_bid_below_the_minimum_names_the_field_and_the_minimum(client: ExchangerClient) -> None:
    with pytest.raises(errors.InvalidOrder, match=r"calc_amount: min\.: 0\.0001 BTC"):
        await client.create_bid(BTC_USDT, Decimal("0.00001"), account_to=WALLET)


async def test_a_bid_without_the_receiving_account_names_account2(client: ExchangerClient) -> None:
    with pytest.raises(errors.InvalidOrder, match="account2: required field"):
        await client.create_bid(BTC_USDT, Decimal("0.01"))


async def test_a_bid_above_the_reserve_names_the_reserve(client: ExchangerClient) -> None:
    with pytest.raises(errors.InvalidOrder, match=r"max\.: 10 BTC \(reserve\)"):
        await client.create_bid(USDT_BTC, Decimal(1_000_000), account_to=WALLET)


async def test_bid_info_by_id_and_by_hash(client: ExchangerClient) -> None:
    created = await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET)
    assert (await client.bid_info(bid_id=created.id)).hash == created.hash
    assert (await client.bid_info(bid_hash=created.hash)).id == created.id


async def test_an_unknown_bid_is_not_found(client: ExchangerClient) -> None:
    with pytest.raises(errors.OrderNotFound, match="No bid exists"):
        await client.bid_info(bid_hash="0" * 32)


async def test_another_keys_bid_is_not_found(sim: Sim, client: ExchangerClient) -> None:
    bid_hash = await bid(client)
    async with sim.client("viewer") as viewer:
        with pytest.raises(errors.OrderNotFound):
            await viewer.bid_info(bid_hash=bid_hash)


async def test_cancel_bid_cancels_a_new_bid_and_frees_the_reserve(client: ExchangerClient) -> None:
    bid_hash = await bid(client)
    assert await client.cancel_bid(bid_hash) is BidStatus.CANCEL
    info = await client.bid_info(bid_hash=bid_hash)
    assert info.status is BidStatus.CANCEL and not info.actions.cancel_via_api
    assert (await client.get_direction(BTC_USDT)).reserve == Decimal(500000)


async def test_pay_then_success_completes_a_bid(client: ExchangerClient) -> None:
    bid_hash = await bid(client)
    assert await client.pay_bid(bid_hash) is BidStatus.PAYED
    assert await client.success_bid(bid_hash) is BidStatus.SUCCESS
    assert (await client.bid_info(bid_hash=bid_hash)).is_final


async def test_cancel_of_a_final_bid_is_refused(client: ExchangerClient) -> None:
    bid_hash = await bid(client)
    await client.pay_bid(bid_hash)
    await client.success_bid(bid_hash)
    with pytest.raises(errors.InvalidOrder, match="it is success"):
        await client.cancel_bid(bid_hash)
    assert (await client.bid_info(bid_hash=bid_hash)).status is BidStatus.SUCCESS


async def test_a_paid_bid_can_no_longer_be_cancelled(client: ExchangerClient) -> None:
    bid_hash = await bid(client)
    await client.pay_bid(bid_hash)
    with pytest.raises(errors.InvalidOrder, match="it is payed"):
        await client.cancel_bid(bid_hash)


async def test_pay_bid_does_nothing_on_a_merchant_direction() -> None:
    async with simulator(merchant_directions={BTC_USDT}) as sim, sim.client() as client:
        created = await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET)
        assert not created.actions.pay_via_api
        assert await client.pay_bid(created.hash) is BidStatus.NEW


async def test_a_paid_bid_succeeds_once_the_payout_delay_passed() -> None:
    async with simulator(clock=Clock.fixed(), payout_delay=60) as sim, sim.client() as client:
        bid_hash = await bid(client)
        await client.pay_bid(bid_hash)
        sim.clock.advance(61)
        assert (await client.bid_info(bid_hash=bid_hash)).status is BidStatus.SUCCESS


async def test_a_merchant_bid_gets_paid_by_itself() -> None:
    options = {"clock": Clock.fixed(), "merchant_directions": {BTC_USDT}, "pay_delay": 30}
    async with simulator(**options) as sim, sim.client() as client:
        bid_hash = await bid(client)
        sim.clock.advance(31)
        assert (await client.bid_info(bid_hash=bid_hash)).status is BidStatus.PAYED


async def test_an_unpaid_bid_is_deleted_after_expiry() -> None:
    async with simulator(clock=Clock.fixed(), expire_after=600) as sim, sim.client() as client:
        bid_hash = await bid(client)
        sim.clock.advance(601)
        assert (await client.bid_info(bid_hash=bid_hash)).status is BidStatus.DELETE


async def test_the_control_route_advances_a_bid_along_the_happy_path(
    sim: Sim, client: ExchangerClient
) -> None:
    created = await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET)
    await sim.control("/_control/bid/status", {"id": created.id})
    assert (await client.bid_info(bid_id=created.id)).status is BidStatus.PAYED
    await sim.control("/_control/bid/status", {"id": created.id, "status": "amlwait"})
    assert (await client.bid_info(bid_id=created.id)).is_cancellable


async def test_each_status_change_is_posted_to_the_callback_url(client: ExchangerClient) -> None:
    async with callback_receiver() as (url, received):
        created = await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET, callback_url=url)
        await client.pay_bid(created.hash)
        await client.success_bid(created.hash)
        for _ in range(50):
            if len(received) == 2:
                break
            await asyncio.sleep(0.05)
    assert received == [{"bid_id": created.id}, {"bid_id": created.id}]


async def test_get_exchanges_lists_this_keys_bids_with_history(client: ExchangerClient) -> None:
    bid_hash = await bid(client, api_id="listed")
    await client.pay_bid(bid_hash)
    (record,) = await client.get_exchanges(status_history=True)
    assert (record.api_id, record.status) == ("listed", BidStatus.PAYED)
    assert [s.status for s in record.statuses] == [BidStatus.NEW, BidStatus.PAYED]


async def test_get_exchanges_pages_with_limit_and_offset(client: ExchangerClient) -> None:
    for n in range(3):
        await bid(client, api_id=f"page-{n}")
    page = await client.get_exchanges(limit=1, offset=1)
    assert [r.api_id for r in page] == ["page-1"]


async def test_find_bid_by_api_id(client: ExchangerClient) -> None:
    await bid(client, api_id="wanted")
    await bid(client, api_id="other")
    found = await client.find_bid_by_api_id("wanted")
    assert found is not None and found.api_id == "wanted"
    assert await client.find_bid_by_api_id("never-sent") is None


async def test_partner_info_shows_the_balance_and_payout_currency(client: ExchangerClient) -> None:
    info = await client.get_partner_info()
    assert (info.partner_id, info.balance, info.min_payout) == ("1", Decimal(25), Decimal(10))
    assert [c.title for c in info.currencies] == ["USDT"]


async def test_partner_links(client: ExchangerClient) -> None:
    (link,) = await client.get_partner_links()
    assert link.query_string == "rid=1"


async def test_partner_exchanges_are_bids_made_with_the_partner_id(client: ExchangerClient) -> None:
    await client.create_bid(BTC_USDT, Decimal("0.01"), account_to=WALLET, partner_id="1")
    await bid(client)
    (record,) = await client.get_partner_exchanges()
    assert record.partner_reward == Decimal("2.97")


async def test_a_partner_payout_is_requested_and_listed(client: ExchangerClient) -> None:
    method_id = (await client.get_partner_info()).currencies[0].id
    payout_id = await client.add_partner_payout(method_id, WALLET)
    (payout,) = await client.get_partner_payouts()
    assert (payout.id, payout.pay_amount, payout.status) == (payout_id, Decimal(25), PayoutStatus.PENDING)
    assert (await client.get_partner_info()).balance == 0


async def test_a_payout_below_the_minimum_names_the_amount(client: ExchangerClient) -> None:
    method_id = (await client.get_partner_info()).currencies[0].id
    await client.add_partner_payout(method_id, WALLET)
    with pytest.raises(errors.InvalidRequest, match=r"amount: min\.: 10"):
        await client.add_partner_payout(method_id, WALLET)
