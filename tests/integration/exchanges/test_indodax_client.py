"""Every IndodaxClient method against the simulator over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from services.exchanges import errors
from services.exchanges.indodax.auth import AuthMode, sign
from services.exchanges.indodax.client import IndodaxClient
from services.exchanges.models import OrderSide, OrderStatus, OrderType, TransferStatus

from .test_indodax_fixtures import PAIR, SEED, Sim, simulator

PRICE = Decimal(900_000_000)


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    async with simulator() as s:
        yield s


@pytest.fixture
async def alice(sim: Sim) -> AsyncIterator[IndodaxClient]:
    async with sim.client() as client:
        yield client


async def limit_buy(client: IndodaxClient, price: int = 900_000_000, coid: str | None = None) -> str:
    order = await client.create_order(
        PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.01"), Decimal(price), client_order_id=coid
    )
    return order.id


async def test_markets_carry_pair_limits(alice: IndodaxClient) -> None:
    btc = next(m for m in await alice.fetch_markets() if m.symbol == PAIR)
    assert (btc.id, btc.limits.amount.min, btc.limits.cost.min) == ("btc_idr", Decimal("0.0001"), 10000)


async def test_tickers_come_in_one_request(sim: Sim, alice: IndodaxClient) -> None:
    tickers = await alice.fetch_tickers()
    assert set(tickers) == {"BTC/IDR", "ETH/IDR"}
    assert sim.state.requests.count("api/ticker_all") == 1
    assert sim.state.requests.count() == 1


async def test_ticker(alice: IndodaxClient) -> None:
    ticker = await alice.fetch_ticker(PAIR)
    assert ticker.bid is not None and ticker.ask is not None and ticker.bid < ticker.ask


async def test_order_book(alice: IndodaxClient) -> None:
    book = await alice.fetch_order_book(PAIR, limit=3)
    assert len(book.bids) == 3 and book.bids[0].price > book.bids[1].price


async def test_public_trades_and_candles_follow_a_fill(alice: IndodaxClient) -> None:
    await alice.create_order(PAIR, OrderSide.SELL, OrderType.MARKET, Decimal("0.01"))
    [trade] = await alice.fetch_trades(PAIR)
    assert trade.amount == Decimal("0.01")
    candles = await alice.fetch_ohlcv(PAIR, "1m", limit=5)
    assert candles[-1].volume == Decimal("0.01")


async def test_server_time(alice: IndodaxClient) -> None:
    assert abs(await alice.fetch_server_time() - datetime.now(UTC)) < timedelta(seconds=5)


async def test_balance(alice: IndodaxClient) -> None:
    balances = await alice.fetch_balance()
    assert balances.get("BTC").free == 2
    assert balances.get("IDR").free == 1_000_000_000


async def test_balance_in_nonce_mode(sim: Sim) -> None:
    async with sim.client(auth_mode=AuthMode.NONCE) as client:
        assert (await client.fetch_balance()).get("BTC").free == 2


async def test_account_info(alice: IndodaxClient) -> None:
    assert (await alice.fetch_account_info()).can_withdraw is True


async def test_deposit_address(alice: IndodaxClient) -> None:
    address = await alice.fetch_deposit_address("BTC")
    assert address.address.startswith("btc1") and address.network == "mainnet"


async def test_limit_order_reserves_its_cost(alice: IndodaxClient) -> None:
    await limit_buy(alice)
    idr = (await alice.fetch_balance()).get("IDR")
    assert idr.reserved == Decimal(9_000_000)


async def test_market_buy_is_sized_in_idr_and_fills(alice: IndodaxClient) -> None:
    order = await alice.create_order(PAIR, OrderSide.BUY, OrderType.MARKET, Decimal("0.01"))
    assert order.status is OrderStatus.CLOSED and order.filled > 0


async def test_market_buy_with_cost(alice: IndodaxClient) -> None:
    order = await alice.create_market_buy_order_with_cost(PAIR, Decimal(10_010_000))
    assert order.filled == Decimal("0.01")


async def test_every_order_carries_a_client_order_id(alice: IndodaxClient) -> None:
    order_id = await limit_buy(alice)
    order = await alice.fetch_order(order_id, PAIR)
    assert order.client_order_id is not None and len(order.client_order_id) <= 36


async def test_open_orders(alice: IndodaxClient) -> None:
    order_id = await limit_buy(alice)
    assert [o.id for o in await alice.fetch_open_orders(PAIR)] == [order_id]
    assert [o.id for o in await alice.fetch_open_orders()] == [order_id]


async def test_order_by_client_order_id(alice: IndodaxClient) -> None:
    order_id = await limit_buy(alice, coid="mine-1")
    order = await alice.fetch_order_by_client_order_id("mine-1", PAIR)
    assert (order.id, order.amount, order.status) == (order_id, Decimal("0.01"), OrderStatus.OPEN)


async def test_cancel_order_looks_up_the_side(alice: IndodaxClient) -> None:
    order_id = await limit_buy(alice)
    cancelled = await alice.cancel_order(order_id, PAIR)
    assert cancelled is not None and cancelled.status is OrderStatus.CANCELED
    assert (await alice.fetch_balance()).get("IDR").reserved == 0


async def test_cancel_by_client_order_id(alice: IndodaxClient) -> None:
    await limit_buy(alice, coid="mine-2")
    cancelled = await alice.cancel_order_by_client_order_id("mine-2")
    assert (cancelled.symbol, cancelled.status) == (PAIR, OrderStatus.CANCELED)


async def test_closed_orders(alice: IndodaxClient) -> None:
    order_id = await limit_buy(alice)
    await alice.cancel_order(order_id, PAIR, side=OrderSide.BUY)
    [closed] = await alice.fetch_closed_orders(PAIR)
    assert (closed.id, closed.status, closed.filled) == (order_id, OrderStatus.CANCELED, 0)


async def test_my_trades(alice: IndodaxClient) -> None:
    order = await alice.create_order(PAIR, OrderSide.SELL, OrderType.MARKET, Decimal("0.02"))
    [trade] = await alice.fetch_my_trades(PAIR)
    assert (trade.order_id, trade.side, trade.amount) == (order.id, OrderSide.SELL, Decimal("0.02"))


async def test_withdraw_fee(sim: Sim, alice: IndodaxClient) -> None:
    assert await alice.fetch_withdraw_fee("BTC") == 0


async def test_withdrawal_gets_its_txid_after_a_delay(sim: Sim, alice: IndodaxClient) -> None:
    withdrawal = await alice.withdraw("BTC", Decimal("0.1"), "bc1qexternal", network="mainnet")
    assert withdrawal.status is TransferStatus.PENDING and withdrawal.txid is None
    await sim.control("withdrawals/complete", {})
    [done] = await alice.fetch_withdrawals()
    assert (done.id, done.status) == (withdrawal.id, TransferStatus.OK)
    assert done.txid


async def test_withdraw_to_username_moves_funds_inside_indodax(alice: IndodaxClient, sim: Sim) -> None:
    withdrawal = await alice.withdraw_to_username("BTC", Decimal("0.05"), "viewer")
    assert (withdrawal.raw_status, withdrawal.fee) == ("wait", 0)
    async with sim.client("viewer") as viewer:
        assert (await viewer.fetch_balance()).get("BTC").free == Decimal("0.15")


async def test_deposits(sim: Sim, alice: IndodaxClient) -> None:
    await sim.control("deposit", {"account": "alice", "asset": "BTC", "amount": "0.5", "txid": "abc"})
    [deposit] = await alice.fetch_deposits("BTC")
    assert (deposit.amount, deposit.txid, deposit.status) == (Decimal("0.5"), "abc", TransferStatus.OK)


async def test_history_longer_than_seven_days_is_paged(sim: Sim, alice: IndodaxClient) -> None:
    since = datetime.now(UTC) - timedelta(days=20)
    await alice.fetch_deposits(since=since)
    assert sim.state.requests.count("transHistory") == 3


async def test_my_trades_without_a_pair_read_every_pair_of_held_coins(alice: IndodaxClient) -> None:
    sold = await alice.create_order(PAIR, OrderSide.SELL, OrderType.MARKET, Decimal("0.02"))
    trades = await alice.fetch_my_trades()
    assert [t.order_id for t in trades if t.symbol == PAIR] == [sold.id]


async def test_a_write_refused_for_its_nonce_is_not_sent_again(sim: Sim) -> None:
    far_ahead = str(10**15)  # another program used this key with a much larger nonce
    body = urlencode({"method": "getInfo", "nonce": far_ahead}).encode()
    alice = SEED.account("alice")
    assert (await sim.tapi(body, {"Key": alice.api_key, "Sign": sign(alice.api_secret, body)}))[
        "success"
    ] == 1
    async with sim.client(auth_mode=AuthMode.NONCE) as client:
        await client.load_markets()
        with pytest.raises(errors.InvalidNonce):
            await client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), PRICE)
        assert sim.state.requests.count("trade", write=True) == 1
        assert sim.state.orders_of("alice") == []
        # the refusal taught the client the server's nonce: the next order goes through
        await client.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.001"), PRICE)
    assert len(sim.state.orders_of("alice")) == 1
