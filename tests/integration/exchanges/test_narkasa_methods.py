"""Every Narkasa client method against the simulator over real HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.exchanges import errors
from services.exchanges.models import OrderSide, OrderStatus, OrderType, TransferStatus
from services.exchanges.narkasa.client import NarkasaClient

from .test_narkasa_fixtures import PAIR, Sim, alice, sim

__all__ = ["alice", "sim"]


async def test_ping(alice: NarkasaClient) -> None:
    assert await alice.ping()


async def test_time_measures_the_offset(sim: Sim, alice: NarkasaClient) -> None:
    sim.state.clock.advance(30)
    await alice.fetch_time()
    assert 29_000 < alice.clock.offset_ms < 31_000


async def test_markets_and_tickers(alice: NarkasaClient) -> None:
    assert {m.symbol for m in await alice.fetch_markets()} == {"BTC/USDT", "ETH/USDT"}
    tickers = await alice.fetch_tickers()
    assert tickers["BTC/USDT"].bid is not None and tickers["BTC/USDT"].ask is not None


async def test_ticker_of_one_pair(alice: NarkasaClient) -> None:
    await alice.create_order(PAIR, OrderSide.BUY, OrderType.MARKET, Decimal("0.01"))
    ticker = await alice.fetch_ticker("btcusdt")
    assert ticker.last is not None and ticker.base_volume == Decimal("0.01")


async def test_market_info(alice: NarkasaClient) -> None:
    market = await alice.fetch_market_info(PAIR)
    assert market.precision.price == 2 and market.limits.amount.min == Decimal("0.0001")


async def test_order_book_and_top_of_book(alice: NarkasaClient) -> None:
    book = await alice.fetch_order_book(PAIR, limit=3)
    top = await alice.fetch_top_of_book(PAIR)
    assert len(book.bids) == 3 and book.bids[0].price == top.bid_price
    assert book.asks[0].price == top.ask_price


async def test_trades_and_candles(alice: NarkasaClient) -> None:
    await alice.create_order(PAIR, OrderSide.SELL, OrderType.MARKET, Decimal("0.02"))
    [trade] = await alice.fetch_trades(PAIR)
    assert trade.side is OrderSide.SELL and trade.amount == Decimal("0.02")
    [candle] = await alice.fetch_ohlcv(PAIR, "5m")
    assert candle.volume == Decimal("0.02")


async def test_unknown_pair(alice: NarkasaClient) -> None:
    with pytest.raises(errors.UnknownPair):
        await alice.fetch_ticker("DOGE/USDT")


async def test_account_info_and_balance(alice: NarkasaClient) -> None:
    assert (await alice.fetch_account_info()).can_read
    balances = await alice.fetch_balance()
    assert balances.get("BTC").free == Decimal(2) and balances.get("USDT").free == Decimal(100_000)


async def test_currencies(alice: NarkasaClient) -> None:
    assert {c.asset for c in await alice.fetch_currencies()} == {"BTC", "ETH", "USDT"}


async def test_limit_order_rests_reserves_and_cancels(alice: NarkasaClient) -> None:
    order = await alice.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.1"), Decimal(50_000))
    assert order.status is OrderStatus.OPEN and order.id
    assert (await alice.fetch_balance()).get("USDT").reserved == Decimal(5_000)
    [listed] = await alice.fetch_open_orders(PAIR)
    assert listed.id == order.id and (await alice.fetch_order(order.id)).price == Decimal(50_000)
    await alice.cancel_order(order.id)
    assert await alice.fetch_open_orders() == []
    assert (await alice.fetch_balance()).get("USDT").reserved == 0


async def test_cancelling_an_unknown_order(alice: NarkasaClient) -> None:
    with pytest.raises(errors.OrderNotFound):
        await alice.cancel_order("999999")


async def test_market_buy_fills(alice: NarkasaClient) -> None:
    order = await alice.create_order(PAIR, OrderSide.BUY, OrderType.MARKET, Decimal("0.5"))
    assert order.status is OrderStatus.CLOSED and order.filled == Decimal("0.5")
    assert (await alice.fetch_balance()).get("BTC").free == Decimal("2.5")


async def test_stop_limit_waits_for_its_stop(alice: NarkasaClient) -> None:
    order = await alice.create_order(
        PAIR,
        OrderSide.SELL,
        OrderType.STOP_LIMIT,
        Decimal("0.1"),
        Decimal(55_000),
        stop_price=Decimal(55_100),
    )
    assert order.type is OrderType.STOP_LIMIT and order.stop_price == Decimal(55_100)
    [listed] = await alice.fetch_open_orders()
    assert listed.type is OrderType.STOP_LIMIT and listed.stop_price == Decimal(55_100)


async def test_fast_buy_spends_a_total(alice: NarkasaClient) -> None:
    order = await alice.create_fast_order(PAIR, OrderSide.BUY, total=Decimal("600.6"))
    assert order.status is OrderStatus.CLOSED and order.cost == Decimal("600.6")
    assert (await alice.fetch_balance()).get("BTC").free == Decimal("2.01")


async def test_fast_sell(alice: NarkasaClient) -> None:
    order = await alice.create_fast_order(PAIR, OrderSide.SELL, amount=Decimal("0.1"))
    assert order.filled == Decimal("0.1")


async def test_my_trades(alice: NarkasaClient) -> None:
    await alice.create_order(PAIR, OrderSide.BUY, OrderType.MARKET, Decimal("0.01"))
    [trade] = await alice.fetch_my_trades(PAIR)
    assert (trade.side, trade.amount, trade.fee_asset) == (OrderSide.BUY, Decimal("0.01"), "BTC")


@pytest.mark.parametrize(
    ("amount", "price", "error"),
    [
        (Decimal("0.00001"), Decimal(50_000), errors.MinimumNotMet),
        (Decimal(1), Decimal(1_000), errors.InvalidOrder),
        (Decimal(100), Decimal(50_000), errors.InsufficientFunds),
    ],
)
async def test_refused_orders(
    alice: NarkasaClient, amount: Decimal, price: Decimal, error: type[errors.ExchangeError]
) -> None:
    with pytest.raises(error):
        await alice.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, amount, price)


async def test_viewer_may_not_trade(sim: Sim) -> None:
    async with sim.client("viewer") as viewer:
        with pytest.raises(errors.PermissionDenied):
            await viewer.create_order(PAIR, OrderSide.BUY, OrderType.MARKET, Decimal("0.01"))


async def test_deposit_address_and_history(sim: Sim, alice: NarkasaClient) -> None:
    address = await alice.fetch_deposit_address("BTC")
    assert address.network == "BTC" and address.address
    await sim.control("POST", "deposit", {"account": "alice", "asset": "BTC", "amount": "0.3"})
    [deposit] = await alice.fetch_deposits("BTC")
    assert (deposit.status, deposit.raw_status, deposit.amount) == (
        TransferStatus.OK,
        "Completed (14)",
        Decimal("0.3"),
    )


async def test_withdraw_moves_from_pending_to_completed(sim: Sim, alice: NarkasaClient) -> None:
    withdrawal = await alice.withdraw("BTC", Decimal("0.1"), "bc1qexampleaddress0001")
    assert withdrawal.id and withdrawal.status is TransferStatus.PENDING
    assert withdrawal.raw_status == "Pending (11)"
    sim.state.clock.advance(1)
    assert (await alice.fetch_withdrawals())[0].raw_status == "Resuming (13)"
    sim.state.clock.advance(2)
    [done] = await alice.fetch_withdrawals("BTC")
    assert done.status is TransferStatus.OK and done.txid


async def test_withdraw_needs_a_network_when_several_are_open(alice: NarkasaClient) -> None:
    with pytest.raises(errors.InvalidRequest, match="TRC20"):
        await alice.withdraw("USDT", Decimal(50), "TXexampleaddress0001")
    withdrawal = await alice.withdraw("USDT", Decimal(50), "TXexampleaddress0001", network="TRC20")
    assert withdrawal.network == "TRC20"


async def test_withdraw_info(alice: NarkasaClient) -> None:
    info = await alice.fetch_withdraw_info("USDT")
    assert [c.network for c in info.channels] == ["TRC20", "ERC20"]


@pytest.mark.parametrize(
    ("amount", "address", "error"),
    [
        (Decimal("0.00001"), "bc1qexampleaddress0001", errors.InvalidRequest),
        (Decimal(10), "bc1qexampleaddress0001", errors.InsufficientFunds),
        (Decimal("0.1"), "bad address", errors.InvalidRequest),
    ],
)
async def test_refused_withdrawals(
    alice: NarkasaClient, amount: Decimal, address: str, error: type[errors.ExchangeError]
) -> None:
    with pytest.raises(error):
        await alice.withdraw("BTC", amount, address, network="BTC")
