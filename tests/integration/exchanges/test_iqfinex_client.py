"""Every IqfinexClient method against the simulator over real HTTP."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.exchanges import errors
from services.exchanges.models import OrderSide, OrderStatus, OrderType

from .test_iqfinex_sim import VIEWER, iqfinex

BUY, SELL = OrderSide.BUY, OrderSide.SELL
LIMIT, MARKET, STOP = OrderType.LIMIT, OrderType.MARKET, OrderType.STOP_LIMIT


async def test_currencies_of_the_listed_markets() -> None:
    async with iqfinex() as (_, client):
        codes = [currency.code for currency in await client.fetch_currencies()]
        btc = await client.fetch_currency("btc")
    assert codes == ["BTC", "ETH", "USDT"]
    assert (btc.name, btc.kind, btc.can_withdraw) == ("Bitcoin", "Coin", True)


async def test_markets_carry_limits_and_precision() -> None:
    async with iqfinex() as (_, client):
        markets = {m.symbol: m for m in await client.fetch_markets()}
        asset = await client.fetch_asset("eth_usdt")
    assert markets["BTC/USDT"].id == "BTCUSDT"
    assert markets["BTC/USDT"].precision.price == 2
    assert markets["BTC/USDT"].limits.amount.min == Decimal("0.0001")
    assert asset.id == "ETHUSDT"


async def test_all_tickers_in_one_request() -> None:
    async with iqfinex() as (state, client):
        tickers = await client.fetch_tickers()
        assert state.requests.count("tickers") == 1
    assert set(tickers) == {"BTC/USDT", "ETH/USDT"}
    assert tickers["BTC/USDT"].bid == Decimal("59940.00")
    assert tickers["BTC/USDT"].ask == Decimal("60060.00")


async def test_one_ticker_shows_the_last_trade() -> None:
    async with iqfinex() as (_, client):
        await client.create_order("BTC/USDT", BUY, MARKET, Decimal("0.5"))
        ticker = await client.fetch_ticker("BTCUSDT")
    assert ticker.last == Decimal("60060.00")
    assert ticker.base_volume == Decimal("0.5")


async def test_order_book_rounding_merges_levels() -> None:
    async with iqfinex() as (_, client):
        await client.create_order("BTC/USDT", BUY, LIMIT, Decimal("0.1"), Decimal("59950.01"))
        await client.create_order("BTC/USDT", BUY, LIMIT, Decimal("0.2"), Decimal("59950.04"))
        exact = await client.fetch_order_book("BTC/USDT")
        rounded = await client.fetch_order_book("BTC/USDT", limit=1, rounding=2)
    assert [level.price for level in exact.bids[:2]] == [Decimal("59950.04"), Decimal("59950.01")]
    assert [(level.price, level.amount) for level in rounded.bids] == [(Decimal("59950"), Decimal("0.3"))]


async def test_public_trades_after_a_fill() -> None:
    async with iqfinex() as (_, client):
        await client.create_order("ETH/USDT", SELL, MARKET, Decimal("2"))
        trades = await client.fetch_trades("ETH/USDT")
    assert [(t.side, t.price, t.amount) for t in trades] == [
        (SELL, Decimal("2997.00"), Decimal("1")),
        (SELL, Decimal("2994.00"), Decimal("1")),
    ]


async def test_candles_are_built_from_trades() -> None:
    async with iqfinex() as (_, client):
        await client.create_order("BTC/USDT", BUY, MARKET, Decimal("1.5"))
        [candle] = await client.fetch_ohlcv("BTC/USDT", "1h")
    assert (candle.open, candle.high, candle.close) == (
        Decimal("60060.00"),
        Decimal("60120.00"),
        Decimal("60120.00"),
    )
    assert candle.volume == Decimal("1.5")
    assert datetime.now(UTC) - candle.timestamp < timedelta(hours=1)


async def test_account_info_tells_the_key_permissions() -> None:
    async with iqfinex() as (_, client):
        info = await client.fetch_account_info()
    assert (info.can_trade, info.can_withdraw) == (True, True)
    assert info.details["keylabel"] == "alice"


async def test_account_info_of_a_view_only_key() -> None:
    async with iqfinex(VIEWER) as (_, client):
        info = await client.fetch_account_info()
    assert (info.can_trade, info.can_withdraw) == (False, False)


async def test_an_open_order_reserves_balance() -> None:
    async with iqfinex() as (_, client):
        await client.create_order("BTC/USDT", SELL, LIMIT, Decimal("0.5"), Decimal("70000"))
        btc = (await client.fetch_balance()).get("BTC")
    assert (btc.free, btc.reserved, btc.total) == (Decimal("1.5"), Decimal("0.5"), Decimal("2"))


async def test_a_limit_order_rests_and_is_listed_open() -> None:
    async with iqfinex() as (_, client):
        placed = await client.create_order("BTC/USDT", BUY, LIMIT, Decimal("0.01"), Decimal("50000"))
        [listed] = await client.fetch_open_orders("BTC/USDT")
        fetched = await client.fetch_order(placed.id)
    assert placed.status == listed.status == fetched.status == OrderStatus.OPEN
    assert (fetched.id, fetched.price, fetched.amount) == (placed.id, Decimal("50000"), Decimal("0.01"))


async def test_open_orders_of_another_pair_are_left_out() -> None:
    async with iqfinex() as (_, client):
        await client.create_order("BTC/USDT", BUY, LIMIT, Decimal("0.01"), Decimal("50000"))
        assert await client.fetch_open_orders("ETH/USDT") == []


async def test_a_filled_market_order_is_history_with_its_trades() -> None:
    async with iqfinex() as (_, client):
        placed = await client.create_order("BTC/USDT", BUY, MARKET, Decimal("1.5"))
        [closed] = await client.fetch_closed_orders("BTC/USDT")
        order_trades = await client.fetch_order_trades(placed.id)
        my_trades = await client.fetch_my_trades("BTC/USDT")
    assert (placed.status, closed.id, closed.filled) == (OrderStatus.CLOSED, placed.id, Decimal("1.5"))
    assert [(t.price, t.amount) for t in order_trades] == [
        (Decimal("60060.00"), Decimal("1")),
        (Decimal("60120.00"), Decimal("0.5")),
    ]
    assert my_trades == order_trades
    assert {t.order_id for t in my_trades} == {placed.id}


async def test_a_stop_limit_order_waits_then_fills_when_the_price_reaches_it() -> None:
    async with iqfinex() as (state, client):
        placed = await client.create_order(
            "BTC/USDT", BUY, STOP, Decimal("0.1"), Decimal("61000"), stop_price=Decimal("60500")
        )
        waiting = await client.fetch_order(placed.id)
        state.reprice("BTC/USDT", Decimal("60600"))
        done = await client.fetch_order(placed.id)
    assert (waiting.type, waiting.status, waiting.stop_price) == (STOP, OrderStatus.OPEN, Decimal("60500"))
    assert (done.status, done.filled) == (OrderStatus.CLOSED, Decimal("0.1"))


async def test_cancel_returns_the_canceled_order_and_frees_the_balance() -> None:
    async with iqfinex() as (_, client):
        placed = await client.create_order("BTC/USDT", SELL, LIMIT, Decimal("0.5"), Decimal("70000"))
        canceled = await client.cancel_order(placed.id)
        btc = (await client.fetch_balance()).get("BTC")
    assert (canceled.id, canceled.status) == (placed.id, OrderStatus.CANCELED)
    assert btc.free == Decimal("2")


async def test_an_order_canceled_unexecuted_is_not_kept() -> None:
    async with iqfinex() as (_, client):
        placed = await client.create_order("BTC/USDT", SELL, LIMIT, Decimal("0.5"), Decimal("70000"))
        await client.cancel_order(placed.id)
        with pytest.raises(errors.OrderNotFound):
            await client.fetch_order(placed.id)
        assert await client.fetch_closed_orders() == []


async def test_an_order_canceled_after_a_partial_fill_stays_in_history() -> None:
    async with iqfinex() as (_, client):
        placed = await client.create_order("BTC/USDT", BUY, LIMIT, Decimal("1.5"), Decimal("60060"))
        await client.cancel_order(placed.id)
        [kept] = await client.fetch_closed_orders()
    assert (kept.id, kept.status, kept.filled) == (placed.id, OrderStatus.CANCELED, Decimal("1"))


async def test_canceling_twice_is_an_invalid_order() -> None:
    async with iqfinex() as (_, client):
        placed = await client.create_order("BTC/USDT", SELL, LIMIT, Decimal("0.5"), Decimal("70000"))
        await client.cancel_order(placed.id)
        with pytest.raises(errors.InvalidOrder):
            await client.cancel_order(placed.id)


async def test_an_unknown_order_is_not_found() -> None:
    async with iqfinex() as (_, client):
        with pytest.raises(errors.OrderNotFound):
            await client.fetch_order("999999")


async def test_spending_more_than_the_balance_is_insufficient_funds() -> None:
    async with iqfinex() as (_, client):
        with pytest.raises(errors.InsufficientFunds):
            await client.create_order("BTC/USDT", SELL, LIMIT, Decimal("3"), Decimal("70000"))


async def test_a_halted_pair_is_refused_before_sending() -> None:
    async with iqfinex(options={"halted_assets": ["ETHUSDT"]}) as (state, client):
        with pytest.raises(errors.InvalidOrder):
            await client.create_order("ETH/USDT", BUY, MARKET, Decimal("1"))
        assert state.requests.count("order_create") == 0
