from decimal import Decimal

import pytest

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.jsonutil import dumps, loads
from sandbox.exchanges.common.orders import OrderNotFound
from sandbox.exchanges.common.seed import Seed, demo_seed, derive_secret
from sandbox.exchanges.common.state import SimExchangeState, UnknownMarket

D = Decimal


@pytest.fixture
def state() -> SimExchangeState:
    return SimExchangeState(Seed.default("incorex"), clock=Clock.fixed())


def test_default_seed_keys_are_deterministic() -> None:
    alice = Seed.default("incorex").account("alice")
    assert alice.api_key == derive_secret("incorex", "alice", "key", 32)
    assert alice.api_key == Seed.default("incorex").account("alice").api_key
    assert alice.api_key != Seed.default("indodax").account("alice").api_key
    assert len(alice.api_secret) == 64


def test_viewer_may_only_view() -> None:
    assert Seed.default().account("viewer").permissions == {"view"}


def test_accounts_start_with_their_seed_balances(state: SimExchangeState) -> None:
    assert state.balances("alice")["BTC"].free == D(2)


def test_api_key_finds_the_account(state: SimExchangeState) -> None:
    alice = state.account("alice")
    assert state.account_by_key(alice.api_key) is alice
    assert state.account_by_key("nope") is None


def test_api_login_must_match_the_key(state: SimExchangeState) -> None:
    alice = state.account("alice")
    assert state.account_by_login(alice.api_login, alice.api_key) is alice
    assert state.account_by_login("other", alice.api_key) is None


def test_every_market_has_liquidity_around_its_mid(state: SimExchangeState) -> None:
    book = state.book("BTC/USDT")
    assert book.best_bid is not None and book.best_ask is not None
    assert book.best_bid < D(60000) < book.best_ask


def test_unknown_market_is_reported(state: SimExchangeState) -> None:
    with pytest.raises(UnknownMarket):
        state.place_order("alice", "DOGE/USDT", "buy", "market", D(1))


def test_orders_and_trades_are_tracked_per_account(state: SimExchangeState) -> None:
    order = state.place_order("alice", "BTC/USDT", "buy", "market", D("0.1"))
    resting = state.place_order("alice", "ETH/USDT", "buy", "limit", D(1), D(1000))
    assert state.order(order.id) is order
    assert state.orders_of("alice", open_only=True) == [resting]
    assert state.orders_of("alice", open_only=False) == [order]
    assert [f.taker_order_id for f in state.trades_of("alice")] == [order.id]


def test_cancel_unknown_order_raises(state: SimExchangeState) -> None:
    with pytest.raises(OrderNotFound):
        state.cancel_order("424242")


def test_client_order_id_finds_the_order(state: SimExchangeState) -> None:
    order = state.place_order("alice", "BTC/USDT", "buy", "limit", D(1), D(100), client_order_id="c-1")
    assert state.order_by_client_id("alice", "c-1") is order


def test_reprice_moves_the_book(state: SimExchangeState) -> None:
    state.reprice("BTC/USDT", D(50000))
    assert state.book("BTC/USDT").best_ask == D("50050.00")


def test_demo_seed_has_history_and_fees() -> None:
    state = SimExchangeState(demo_seed("indodax"))
    book = state.book("BTC/IDR")
    assert len(book.trades) == 60
    assert book.trades[0].time < state.clock.now() - 80_000
    assert state.seed.taker_fee > 0


def test_dump_is_json_with_decimals_as_strings(state: SimExchangeState) -> None:
    state.transfers.request_withdrawal("alice", "BTC", D("0.1"), "addr")
    dump = loads(dumps(state.dump()))
    assert dump["balances"]["alice"]["BTC"] == {"free": "1.9", "reserved": "0.1"}
    assert dump["transfers"][0]["status"] == "pending"


async def test_drift_moves_prices_in_the_background() -> None:
    import asyncio

    state = SimExchangeState(Seed.default().replace(drift_interval=0.01))
    before = state.makers["BTC/USDT"].mid
    task = asyncio.create_task(state.drift_prices(0.01))
    await asyncio.sleep(0.1)
    task.cancel()
    assert state.makers["BTC/USDT"].mid != before


def test_drift_moves_a_coin_alike_on_every_simulator() -> None:
    usdt, idr = SimExchangeState(demo_seed("incorex")), SimExchangeState(demo_seed("indodax"))
    for state in (usdt, idr):
        state.drift(range(1000, 1300))
    btc_usdt = usdt.makers["BTC/USDT"].mid
    btc_idr, usdt_idr = idr.makers["BTC/IDR"].mid, idr.makers["USDT/IDR"].mid
    assert btc_usdt is not None and btc_idr is not None and usdt_idr is not None
    assert btc_usdt != 60000  # it moved
    spread = usdt.seed.market("BTC/USDT").spread
    assert abs(btc_idr / usdt_idr / btc_usdt - 1) <= spread
