"""Narkasa's websocket client against the simulator's /v3 socket: typed events, reconnect, resync."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest

from services.exchanges import errors
from services.exchanges.models import OrderSide, OrderStatus, OrderType
from services.exchanges.narkasa.client import NarkasaClient
from services.exchanges.narkasa.models import (
    BalanceUpdateEvent,
    CandleEvent,
    ConnectionEvent,
    DepthEvent,
    OrderUpdateEvent,
    ReservedUpdateEvent,
    StreamEvent,
    TickerEvent,
    TopOfBookEvent,
    TradeEvent,
)
from services.exchanges.narkasa.stream import NarkasaStream
from services.exchanges.transport import RetryPolicy

from .test_narkasa_fixtures import PAIR, Sim, alice, sim

__all__ = ["alice", "sim"]

QUICK = RetryPolicy(base_delay=0.05, max_delay=0.2)


class Seen:
    """Every event a stream delivered, with a way to wait for one."""

    def __init__(self, stream: NarkasaStream) -> None:
        self.events: list[StreamEvent] = []
        stream.on_event(self.events.append)

    async def wait(self, match: Callable[[StreamEvent], bool], within: float = 5.0) -> StreamEvent:
        async with asyncio.timeout(within):
            while True:
                for event in self.events:
                    if match(event):
                        return event
                await asyncio.sleep(0.02)

    def of(self, cls: type[StreamEvent]) -> list[StreamEvent]:
        return [e for e in self.events if isinstance(e, cls)]


@pytest.fixture
async def stream(alice: NarkasaClient) -> AsyncIterator[NarkasaStream]:
    async with alice.stream(ping_interval=0.05, backoff=QUICK) as opened:
        yield opened


async def connected(seen: Seen, *, reconnect: bool = False) -> None:
    await seen.wait(lambda e: isinstance(e, ConnectionEvent) and e.connected and e.reconnect == reconnect)


async def test_market_streams_arrive_typed(sim: Sim, alice: NarkasaClient, stream: NarkasaStream) -> None:
    seen = Seen(stream)
    for kind in ("allTickers", "ticker", "orderBook", "depth", "trade", "candles"):
        await stream.subscribe(kind, PAIR, "1m")
    await connected(seen)
    await asyncio.sleep(0.2)  # the subscriptions are acknowledged
    await alice.create_order(PAIR, OrderSide.BUY, OrderType.MARKET, Decimal("0.05"))
    trade = await seen.wait(lambda e: isinstance(e, TradeEvent))
    assert isinstance(trade, TradeEvent) and trade.trade.symbol == PAIR and trade.trade.side is OrderSide.BUY
    assert trade.trade.amount == Decimal("0.05")
    ticker = await seen.wait(lambda e: isinstance(e, TickerEvent) and e.channel == "ticker")
    assert isinstance(ticker, TickerEvent) and ticker.ticker.base_volume == Decimal("0.05")
    await seen.wait(lambda e: isinstance(e, TickerEvent) and e.channel == "allTickers")
    candle = await seen.wait(lambda e: isinstance(e, CandleEvent))
    assert (
        isinstance(candle, CandleEvent)
        and candle.interval == "m1"
        and candle.candle.volume == Decimal("0.05")
    )
    top = await seen.wait(lambda e: isinstance(e, TopOfBookEvent))
    depth = await seen.wait(lambda e: isinstance(e, DepthEvent))
    assert isinstance(top, TopOfBookEvent) and isinstance(depth, DepthEvent)
    assert top.top.bid_price == depth.book.bids[0].price


async def test_events_come_out_of_the_async_iterator(alice: NarkasaClient, stream: NarkasaStream) -> None:
    await stream.subscribe("trade", PAIR)

    async def first_trade() -> StreamEvent:
        async for event in stream.events():
            if isinstance(event, TradeEvent):
                return event
        raise AssertionError("the stream ended")

    waiting = asyncio.create_task(first_trade())
    await asyncio.sleep(0.3)
    await alice.create_order(PAIR, OrderSide.SELL, OrderType.MARKET, Decimal("0.01"))
    async with asyncio.timeout(5):
        assert isinstance(await waiting, TradeEvent)


async def test_user_stream_reports_orders_and_balances(alice: NarkasaClient, stream: NarkasaStream) -> None:
    seen = Seen(stream)
    await stream.watch_user()
    await connected(seen)
    await asyncio.sleep(0.3)  # logged in and the first resync done
    order = await alice.create_order(PAIR, OrderSide.BUY, OrderType.LIMIT, Decimal("0.1"), Decimal(50_000))
    update = await seen.wait(lambda e: isinstance(e, OrderUpdateEvent) and e.order.id == order.id)
    assert isinstance(update, OrderUpdateEvent)
    assert (update.raw_status, update.order.type, update.order.side) == (
        "NEW",
        OrderType.LIMIT,
        OrderSide.BUY,
    )
    reserved = await seen.wait(lambda e: isinstance(e, ReservedUpdateEvent) and e.asset == "USDT")
    assert isinstance(reserved, ReservedUpdateEvent) and reserved.reserved == Decimal(5_000)
    balance = await seen.wait(lambda e: isinstance(e, BalanceUpdateEvent) and e.asset == "USDT")
    assert isinstance(balance, BalanceUpdateEvent) and balance.available == Decimal(95_000)


async def test_keep_alive_pings_are_sent(sim: Sim, stream: NarkasaStream) -> None:
    await asyncio.sleep(0.4)
    assert sim.hub.counts["pings"] >= 3


async def test_a_refused_user_login_ends_the_stream_with_an_authentication_error(sim: Sim) -> None:
    async with sim.client(secret="0" * 64) as client, client.stream(backoff=QUICK) as stream:
        await stream.watch_user()
        with pytest.raises(errors.AuthenticationError):
            async with asyncio.timeout(5):
                async for _ in stream.events():
                    pass


async def test_reconnect_resumes_market_and_user_streams(
    sim: Sim, alice: NarkasaClient, stream: NarkasaStream
) -> None:
    seen = Seen(stream)
    await stream.subscribe("trade", PAIR)
    await stream.watch_user()
    await connected(seen)
    await asyncio.sleep(0.3)
    assert (await sim.control("POST", "ws/drop"))["dropped"] == 1
    await connected(seen, reconnect=True)
    await asyncio.sleep(0.3)
    described = await sim.control("GET", "ws")
    assert described["user_streams"] == 2 and described["users"] == ["alice"]
    assert described["topics"] == ["trade/BTCUSDT"]
    order = await alice.create_order(PAIR, OrderSide.BUY, OrderType.MARKET, Decimal("0.02"))
    assert order.status is OrderStatus.CLOSED
    await seen.wait(lambda e: isinstance(e, TradeEvent))
    await seen.wait(lambda e: isinstance(e, OrderUpdateEvent) and e.raw_status == "FILLED")


async def test_an_order_filled_while_disconnected_is_reported_once(
    sim: Sim, alice: NarkasaClient, stream: NarkasaStream
) -> None:
    seen = Seen(stream)
    await stream.watch_user()
    await connected(seen)
    await asyncio.sleep(0.3)
    order = await alice.create_order(PAIR, OrderSide.SELL, OrderType.LIMIT, Decimal("0.1"), Decimal(61_000))
    await seen.wait(lambda e: isinstance(e, OrderUpdateEvent) and e.order.id == order.id)
    await sim.control("POST", "ws/drop", {"refuse_for": 1.0})
    fills = await sim.control("POST", "price", {"symbol": PAIR, "mid": "62000"})
    assert fills["fills"]  # filled while no socket was there to tell
    filled = await seen.wait(lambda e: isinstance(e, OrderUpdateEvent) and e.raw_status == "FILLED", within=8)
    assert isinstance(filled, OrderUpdateEvent)
    assert (filled.source, filled.order.id, filled.order.status) == ("resync", order.id, OrderStatus.CLOSED)
    assert filled.order.filled == Decimal("0.1")
    await asyncio.sleep(0.5)
    updates = [
        e for e in seen.of(OrderUpdateEvent) if isinstance(e, OrderUpdateEvent) and e.order.id == order.id
    ]
    assert [u.raw_status for u in updates] == ["NEW", "FILLED"]
    usdt = [e for e in seen.of(BalanceUpdateEvent) if isinstance(e, BalanceUpdateEvent) and e.asset == "USDT"]
    assert usdt[-1].available == Decimal(100_000) + Decimal("6100") and usdt[-1].source == "resync"
