"""Every IncoreX client method against the simulator over real HTTP."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from sandbox.exchanges.common.clock import Clock
from services.exchanges import errors
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.models import OrderSide, OrderStatus, OrderType, TransferStatus

from .test_incorex_fixtures import PAIR, Sim, simulator


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator(clock=Clock.fixed(time.time()), withdrawal_delay=60) as running_sim:
        yield running_sim


@pytest.fixture
async def alice(sim: Sim) -> AsyncIterator[IncorexClient]:
    async with sim.client("alice") as client:
        yield client


async def test_markets_come_from_pair_settings(alice: IncorexClient) -> None:
    markets = {m.symbol: m for m in await alice.fetch_markets()}
    assert markets[PAIR].id == "BTC_USDT"
    assert markets[PAIR].limits.amount.min == Decimal("0.0001")
    assert markets[PAIR].limits.cost.min == Decimal(1)


async def test_all_tickers_come_in_one_request(sim: Sim, alice: IncorexClient) -> None:
    tickers = await alice.fetch_tickers()
    assert set(tickers) == {"BTC/USDT", "ETH/USDT"}
    assert tickers[PAIR].ask is not None and tickers[PAIR].bid is not None
    assert tickers[PAIR].bid < tickers[PAIR].ask
    assert sim.state.requests.count("ticker") == 1


async def test_order_book_has_sorted_sides(alice: IncorexClient) -> None:
    book = await alice.fetch_order_book(PAIR, limit=3)
    assert len(book.asks) == 3
    assert [a.price for a in book.asks] == sorted(a.price for a in book.asks)
    assert [b.price for b in book.bids] == sorted((b.price for b in book.bids), reverse=True)


async def test_currencies_list_every_traded_asset(alice: IncorexClient) -> None:
    assert set(await alice.currencies()) == {"BTC", "ETH", "USDT"}


async def test_balance_shows_the_seeded_funds(alice: IncorexClient) -> None:
    balances = await alice.fetch_balance()
    assert balances.get("BTC").free == Decimal(2)
    assert balances.get("USDT").free == Decimal(100_000)


async def test_account_info_proves_the_key(alice: IncorexClient) -> None:
    assert "uid" in (await alice.fetch_account_info()).details


async def test_a_resting_limit_order_is_open_and_reserves_quote(alice: IncorexClient) -> None:
    order = await alice.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.1"), Decimal(50000))
    (listed,) = await alice.fetch_open_orders(PAIR)
    assert (listed.id, listed.status, listed.price) == (order.id, OrderStatus.OPEN, Decimal(50000))
    assert (await alice.fetch_balance()).get("USDT").reserved == Decimal(5000)


async def test_a_cancelled_order_shows_among_closed_orders(alice: IncorexClient) -> None:
    order = await alice.create_order(PAIR, OrderSide.SELL, OrderType.LIMIT, Decimal("0.5"), Decimal(70000))
    assert await alice.cancel_order(order.id) is None
    assert await alice.fetch_open_orders() == []
    (closed,) = await alice.fetch_closed_orders(PAIR)
    assert (closed.id, closed.status) == (order.id, OrderStatus.CANCELED)


async def test_a_market_order_fills_and_shows_in_my_trades_and_order_trades(alice: IncorexClient) -> None:
    order = await alice.create_order(PAIR, OrderSide.BUY, OrderType.MARKET, Decimal("0.5"))
    (trade,) = await alice.fetch_my_trades(PAIR)
    assert (trade.order_id, trade.side, trade.amount) == (order.id, OrderSide.BUY, Decimal("0.5"))
    execution = await alice.order_trades(order.id)
    assert (execution.in_currency, execution.out_currency) == ("USDT", "BTC")
    assert execution.out_amount == Decimal("0.5")
    assert execution.percent_filled == Decimal(100)
    assert [t.id for t in execution.trades] == [trade.id]


async def test_public_trades_show_a_fill(alice: IncorexClient) -> None:
    await alice.create_order(PAIR, OrderSide.SELL, OrderType.MARKET, Decimal("0.25"))
    (trade,) = await alice.fetch_trades(PAIR)
    assert (trade.side, trade.amount) == (OrderSide.SELL, Decimal("0.25"))


async def test_a_stop_limit_order_waits_among_open_orders(alice: IncorexClient) -> None:
    order = await alice.create_order(
        PAIR, OrderSide.BUY, OrderType.STOP_LIMIT, Decimal("0.1"), Decimal(66000), stop_price=Decimal(65000)
    )
    (listed,) = await alice.fetch_open_orders()
    assert (listed.id, listed.type, listed.price) == (order.id, OrderType.STOP_LIMIT, Decimal(65000))


async def test_required_amount_walks_the_asks(alice: IncorexClient) -> None:
    book = await alice.fetch_order_book(PAIR)
    quote = await alice.required_amount(PAIR, Decimal("1.5"))
    expected = book.asks[0].price + book.asks[1].price / 2
    assert quote.amount == expected


async def test_deposit_address_exists_per_asset(alice: IncorexClient) -> None:
    address = await alice.fetch_deposit_address("btc")
    assert address.asset == "BTC"
    assert address.address


async def test_a_withdrawal_gets_its_txid_after_the_delay(sim: Sim, alice: IncorexClient) -> None:
    withdrawal = await alice.withdraw("BTC", Decimal("0.5"), "bc1qsimulatedaddress")
    assert not (await alice.withdraw_get_txid(withdrawal.id)).processed
    await sim.control("clock", {"advance": 61})
    progress = await alice.withdraw_get_txid(withdrawal.id)
    assert progress.processed
    (listed,) = await alice.fetch_withdrawals("BTC")
    assert (listed.status, listed.txid, listed.amount) == (TransferStatus.OK, progress.txid, Decimal("0.5"))


async def test_a_pending_withdrawal_is_listed_as_pending(alice: IncorexClient) -> None:
    await alice.withdraw("ETH", Decimal(1), "0xsimulatedaddress")
    (listed,) = await alice.fetch_withdrawals()
    assert (listed.status, listed.raw_status, listed.txid) == (TransferStatus.PENDING, "processing", None)


async def test_an_injected_deposit_is_listed_and_credited(sim: Sim, alice: IncorexClient) -> None:
    await sim.control("deposit", {"account": "alice", "asset": "USDT", "amount": "250"})
    (deposit,) = await alice.fetch_deposits("USDT")
    assert (deposit.amount, deposit.status) == (Decimal(250), TransferStatus.OK)
    assert (await alice.fetch_balance()).get("USDT").free == Decimal(100_250)


async def test_an_order_beyond_the_balance_is_insufficient_funds(alice: IncorexClient) -> None:
    with pytest.raises(errors.InsufficientFunds):
        await alice.create_order(PAIR, OrderSide.SELL, OrderType.LIMIT, Decimal(5), Decimal(70000))


async def test_a_quantity_below_the_pair_minimum_is_minimum_not_met(alice: IncorexClient) -> None:
    with pytest.raises(errors.MinimumNotMet) as raised:
        await alice.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.00001"), Decimal(50000))
    assert raised.value.minimum == Decimal("0.0001")


async def test_a_price_outside_the_pair_range_is_an_invalid_order(alice: IncorexClient) -> None:
    with pytest.raises(errors.InvalidOrder):
        await alice.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal(1), Decimal("0.001"))


async def test_cancelling_an_unknown_order_is_order_not_found(alice: IncorexClient) -> None:
    with pytest.raises(errors.OrderNotFound):
        await alice.cancel_order("987654")


async def test_a_view_only_key_cannot_trade(sim: Sim) -> None:
    async with sim.client("viewer") as viewer:
        with pytest.raises(errors.PermissionDenied):
            await viewer.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal(50000))


async def test_an_unknown_withdrawal_task_is_an_invalid_request(alice: IncorexClient) -> None:
    with pytest.raises(errors.InvalidRequest):
        await alice.withdraw_get_txid("424242")


async def test_withdrawals_are_refused_while_blocked_after_activation() -> None:
    async with simulator(withdrawals_blocked=True) as blocked, blocked.client() as client:
        with pytest.raises(errors.PermissionDenied):
            await client.withdraw("BTC", Decimal("0.1"), "bc1qsimulatedaddress")


async def test_wallet_history_is_refused_until_activated() -> None:
    async with simulator(wallet_api=False) as inactive, inactive.client() as client:
        with pytest.raises(errors.PermissionDenied):
            await client.fetch_deposits()
