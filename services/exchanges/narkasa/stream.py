"""Narkasa's websocket: market streams and USER_STREAMS, kept alive and resumed after a drop.

``{"data":"ping"}`` goes out every ``ping_interval`` seconds (and protocol pings detect a dead socket).
After a drop the stream reconnects with backoff and jitter, subscribes again, logs in again, and for
user streams asks REST what happened meanwhile (``resync``), so no order update is lost or repeated.
Events come out of ``async for event in stream.events()`` and/or callbacks given to ``on_event``.

``OrderTracker`` keeps what the user stream has reported (in process memory; a caller that must not
repeat an update after a restart gives its own ``OrderMemory``, kept elsewhere); ``resync`` fills the gap
after a reconnect, and after a start when the memory knows orders from before. Every order update (from
the socket or from the resync) passes the memory, which lets each state change through once: a final
state is never followed by another, and a report that is not newer than the last one (same status and
fill, or less filled) is dropped. An order that was open before the gap and is not open after it was
filled or cancelled meanwhile; Narkasa has no order lookup, so the user's trades since the order was
placed (same pair and side, at its price or better) tell which.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp
from pydantic import ValidationError

from .. import errors
from ..models import Order, OrderSide, OrderStatus, Trade
from ..transport import RetryPolicy
from .auth import user_stream_message
from .constants import EXCHANGE, FINAL_STATUSES, INTERVALS, NATIVE_INTERVALS, WS_MARKET_STREAMS, WS_PING
from .convert import market_of, stream_event
from .models import BalanceUpdateEvent, ConnectionEvent, OrderUpdateEvent, ReservedUpdateEvent, StreamEvent

if TYPE_CHECKING:
    from .client import NarkasaClient

log = logging.getLogger("services.exchanges.narkasa.stream")

Callback = Callable[[StreamEvent], "Awaitable[None] | None"]
Topic = tuple[str, str, str]  # (type, market id or "", interval or "")
_CLOSED = object()


class NarkasaStream:
    def __init__(
        self,
        client: NarkasaClient,
        *,
        ping_interval: float = 5.0,
        heartbeat: float = 20.0,
        backoff: RetryPolicy | None = None,
        memory: OrderMemory | None = None,
    ) -> None:
        self.client = client
        self.url = client.ws_url
        self._ping_interval = ping_interval
        self._heartbeat = heartbeat
        self._backoff = backoff or RetryPolicy(base_delay=0.5, max_delay=30.0)
        self._topics: set[Topic] = set()
        self._user = False
        self._tracker: OrderMemory = memory or OrderTracker()
        self._balances = LastBalances()
        self._queues: list[asyncio.Queue[Any]] = []
        self._callbacks: list[Callback] = []
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._fatal: errors.ExchangeError | None = None
        self._closing = False
        self._connections = 0
        self._resyncs: set[asyncio.Task[None]] = set()
        self._user_ok = False

    # -- what to receive -----------------------------------------------------------------------------

    async def subscribe(self, kind: str, pair: str | None = None, interval: str | None = None) -> None:
        """``kind``: allTickers, ticker, candles, orderBook, depth or trade (all but allTickers: a pair)."""
        topic = await self._topic(kind, pair, interval)
        self._topics.add(topic)
        await self._send({"method": "SUBSCRIBE", "params": [_param(topic)]})

    async def unsubscribe(self, kind: str, pair: str | None = None, interval: str | None = None) -> None:
        topic = await self._topic(kind, pair, interval)
        self._topics.discard(topic)
        await self._send({"method": "UNSUBSCRIBE", "params": [_param(topic)]})

    async def watch_user(self) -> None:
        """Balance, reserved and order updates of the client's account (USER_STREAMS)."""
        self._user = True
        await self._send(user_stream_message(self.client.config.credentials))

    def on_event(self, callback: Callback) -> None:
        self._callbacks.append(callback)

    async def _topic(self, kind: str, pair: str | None, interval: str | None) -> Topic:
        if kind not in WS_MARKET_STREAMS:
            raise errors.InvalidRequest(f"unknown stream {kind!r}", exchange=EXCHANGE, endpoint="ws")
        if kind == "allTickers":
            return (kind, "", "")
        if pair is None:
            raise errors.InvalidRequest(f"stream {kind} needs a pair", exchange=EXCHANGE, endpoint="ws")
        market_id = (await self.client.market(pair)).id
        if kind != "candles":
            return (kind, market_id, "")
        native = INTERVALS.get(interval or "1m", interval or "m1")
        if native not in NATIVE_INTERVALS:
            raise errors.NotSupported(f"interval {interval}", exchange=EXCHANGE, endpoint="ws")
        return (kind, market_id, native)

    # -- life ----------------------------------------------------------------------------------------

    @property
    def user_connected(self) -> bool:
        """Logged in and receiving: while not, the caller's REST polls cover what the stream would say."""
        return self._ws is not None and not self._ws.closed and self._user_ok

    async def start(self) -> None:
        """Starts the stream, or starts it again when it stopped on an error."""
        if self._task is None or self._task.done():
            failed = self._task is not None and not self._task.cancelled() and self._task.exception()
            if failed:
                log.warning("narkasa stream: stopped on %s; starting again", type(failed).__name__)
            self._closing = False
            self._fatal = None
            self._task = asyncio.create_task(self._run(), name="narkasa-stream")

    async def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            await self._ws.close()
        for task in [*self._resyncs, *([self._task] if self._task else [])]:
            task.cancel()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._finish()

    async def __aenter__(self) -> NarkasaStream:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def events(self) -> AsyncIterator[StreamEvent]:
        """Every event from now on; ends when the stream is closed, raises if it stopped on an error."""
        queue: asyncio.Queue[Any] = asyncio.Queue()
        self._queues.append(queue)
        await self.start()
        try:
            while True:
                item = await queue.get()
                if item is _CLOSED:
                    if self._fatal is not None:
                        raise self._fatal
                    return
                yield item
        finally:
            self._queues.remove(queue)

    # -- the connection ------------------------------------------------------------------------------

    async def _run(self) -> None:
        attempt = 0
        while not self._closing:
            try:
                async with self._session_now().ws_connect(self.url, heartbeat=self._heartbeat) as ws:
                    attempt = 0
                    await self._opened(ws)
                    await self._read(ws)
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                log.info("narkasa stream: connection lost (%s)", type(exc).__name__)
            finally:
                was_open, self._ws, self._user_ok = self._ws is not None, None, False
            if was_open:
                await self._emit(ConnectionEvent(connected=False))
            if self._fatal is not None or self._closing:
                break
            await asyncio.sleep(self._backoff.delay(attempt))
            attempt += 1
        self._finish()

    def _session_now(self) -> aiohttp.ClientSession:
        if self.client.config.session is not None:
            return self.client.config.session
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _opened(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._connections += 1
        if self._topics:
            await ws.send_str(
                json.dumps({"method": "SUBSCRIBE", "params": [_param(t) for t in self._topics]})
            )
        if self._user:
            await ws.send_str(json.dumps(user_stream_message(self.client.config.credentials)))
        await self._emit(ConnectionEvent(connected=True, reconnect=self._connections > 1))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        pinger = asyncio.create_task(self._keep_alive(ws))
        try:
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    await self._handle(ws, message.data)
                elif message.type == aiohttp.WSMsgType.ERROR:
                    break
        finally:
            pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pinger

    async def _keep_alive(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while not ws.closed:
            await asyncio.sleep(self._ping_interval)
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_str(json.dumps(WS_PING))

    async def _send(self, message: dict[str, Any]) -> None:
        if self._ws is not None and not self._ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._ws.send_str(json.dumps(message))

    async def _handle(self, ws: aiohttp.ClientWebSocketResponse, text: str) -> None:
        try:
            data = json.loads(text, parse_float=Decimal)
        except ValueError:
            log.warning("narkasa stream: a message that is not JSON")
            return
        if not isinstance(data, dict):
            return
        if "method" in data:
            await self._acknowledged(ws, data)
        elif isinstance(data.get("type"), str):
            await self._data(data)

    async def _acknowledged(self, ws: aiohttp.ClientWebSocketResponse, data: dict[str, Any]) -> None:
        ok = data.get("status") == "success"
        if data["method"] == "USER_STREAMS":
            if not ok:
                self._fatal = errors.AuthenticationError(
                    str(data.get("message") or "user stream refused"),
                    exchange=EXCHANGE,
                    endpoint="USER_STREAMS",
                )
                await ws.close()
                return
            self._user_ok = True
            # a first start with nothing remembered only records; later, the gap is news
            silent = self._connections == 1 and not await self._tracker.known()
            task = asyncio.create_task(self._resync(ws, silent=silent))
            self._resyncs.add(task)
            task.add_done_callback(self._resyncs.discard)
        elif not ok:
            log.warning("narkasa stream: %s refused for %s", data["method"], data.get("type"))

    async def _resync(self, ws: aiohttp.ClientWebSocketResponse, *, silent: bool) -> None:
        try:
            changes = await resync(self.client, self._tracker, self._balances, silent=silent)
        except errors.ExchangeError as exc:
            # without the resync an update could be lost: reconnect and try again
            log.warning("narkasa stream: resync failed (%s); reconnecting", exc)
            await ws.close()
            return
        for event in changes:
            await self._emit(event)

    async def _data(self, data: dict[str, Any]) -> None:
        market_id = market_of(data)
        symbol = await self._symbol(market_id) if market_id else ""
        try:
            event = stream_event(data["type"], data, symbol)
        except (ValidationError, KeyError) as exc:
            log.warning("narkasa stream: unexpected %s message (%s)", data["type"], type(exc).__name__)
            return
        if event is None:
            return
        if isinstance(event, OrderUpdateEvent) and not await self._tracker.accept(event):
            return
        self._balances.note(event)
        await self._emit(event)

    async def _symbol(self, market_id: str) -> str:
        try:
            found = (await self.client.load_markets()).by_id(market_id)
        except errors.ExchangeError:
            found = None
        return found.symbol if found else market_id

    async def _emit(self, event: StreamEvent) -> None:
        for queue in self._queues:
            queue.put_nowait(event)
        for callback in self._callbacks:
            result = callback(event)
            if inspect.isawaitable(result):
                await result

    def _finish(self) -> None:
        for queue in self._queues:
            queue.put_nowait(_CLOSED)


def _param(topic: Topic) -> dict[str, str]:
    kind, symbol, interval = topic
    param = {"type": kind}
    if symbol:
        param["symbol"] = symbol
    if interval:
        param["interval"] = interval
    return param


# -- what the user stream reported, and the resync after a gap ------------------------------------------

KEEP_ORDERS = 2_000


class OrderMemory(Protocol):
    """What the user stream has reported of each order: lets each state change through once."""

    async def accept(self, event: OrderUpdateEvent) -> bool:
        """True when the event is a state change not reported before (and records it)."""
        ...

    async def open_orders(self, seen_before: float) -> list[Order]:
        """Orders last reported open, that report made before ``seen_before`` (``time.time()``)."""
        ...

    async def known(self) -> bool:
        """Whether it holds what an earlier run reported (a first connection then resyncs aloud)."""
        ...


@dataclass(frozen=True)
class Known:
    order: Order
    raw_status: str
    seen_at: float


class OrderTracker:
    """An ``OrderMemory`` in process memory: what this stream object has seen."""

    def __init__(self) -> None:
        self._orders: OrderedDict[str, Known] = OrderedDict()

    async def accept(self, event: OrderUpdateEvent) -> bool:
        order = event.order
        if not order.id:
            return True
        known = self._orders.get(order.id)
        if known is not None and (
            known.raw_status in FINAL_STATUSES
            or order.filled < known.order.filled
            or (event.raw_status == known.raw_status and order.filled == known.order.filled)
        ):
            return False
        self._orders[order.id] = Known(order, event.raw_status, time.time())
        self._orders.move_to_end(order.id)
        while len(self._orders) > KEEP_ORDERS:
            self._orders.popitem(last=False)
        return True

    async def open_orders(self, seen_before: float) -> list[Order]:
        return [
            k.order
            for k in self._orders.values()
            if k.raw_status not in FINAL_STATUSES and k.seen_at < seen_before
        ]

    async def known(self) -> bool:
        return bool(self._orders)


class LastBalances:
    """The last balance of each asset the stream reported, to tell which changed during a gap."""

    def __init__(self) -> None:
        self.balances: dict[str, tuple[Decimal | None, Decimal | None]] = {}

    def changes(self, asset: str, available: Decimal, reserved: Decimal) -> list[StreamEvent]:
        before = self.balances.get(asset, (None, None))
        self.balances[asset] = (available, reserved)
        changes: list[StreamEvent] = []
        if before[0] != available:
            changes.append(BalanceUpdateEvent(asset=asset, available=available, source="resync"))
        if before[1] != reserved:
            changes.append(ReservedUpdateEvent(asset=asset, reserved=reserved, source="resync"))
        return changes

    def note(self, event: StreamEvent) -> None:
        if isinstance(event, BalanceUpdateEvent):
            self.balances[event.asset] = (event.available, self.balances.get(event.asset, (None, None))[1])
        elif isinstance(event, ReservedUpdateEvent):
            self.balances[event.asset] = (self.balances.get(event.asset, (None, None))[0], event.reserved)


async def resync(
    client: NarkasaClient, tracker: OrderMemory, balances: LastBalances, *, silent: bool
) -> list[StreamEvent]:
    """Order and balance changes the socket did not deliver; ``silent`` only records them (first start)."""
    started = time.time()
    open_now = {o.id: o for o in await client.fetch_open_orders()}
    found: list[StreamEvent] = []
    for order in open_now.values():
        found.append(OrderUpdateEvent(order=order, raw_status=_open_status(order), source="resync"))
    vanished = [o for o in await tracker.open_orders(started) if o.id not in open_now]
    if vanished:
        trades = await client.fetch_my_trades()
        found += [closed_by_trades(order, trades) for order in vanished]
    changes = [e for e in found if not isinstance(e, OrderUpdateEvent) or await tracker.accept(e)]
    for balance in (await client.fetch_balance()).assets.values():
        changes += balances.changes(balance.asset, balance.free, balance.reserved)
    return [] if silent else changes


def _open_status(order: Order) -> str:
    return "PARTIALLY_FILLED" if order.filled > 0 else "NEW"


def closed_by_trades(order: Order, trades: list[Trade]) -> OrderUpdateEvent:
    """An order no longer open: filled if the user's trades since it was placed cover it, else cancelled."""
    filled = sum((t.amount for t in trades if _may_belong(t, order)), Decimal(0))
    if order.amount is not None and filled >= order.amount:
        update = {"status": OrderStatus.CLOSED, "filled": order.amount}
        raw = "FILLED"
    else:
        update = {"status": OrderStatus.CANCELED, "filled": max(order.filled, filled)}
        raw = "CANCELLED"
    return OrderUpdateEvent(order=order.model_copy(update=update), raw_status=raw, source="resync")


def _may_belong(trade: Trade, order: Order) -> bool:
    if trade.symbol != order.symbol or trade.side != order.side or order.price is None:
        return False
    if order.timestamp is not None and trade.timestamp is not None and trade.timestamp < order.timestamp:
        return False
    return trade.price <= order.price if order.side is OrderSide.BUY else trade.price >= order.price
