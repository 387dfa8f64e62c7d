"""Narkasa's websocket at ``/v3``: market streams, USER_STREAMS, and pushes from the core's listeners.

Market data is pushed when it changes (order book and tickers once per loop turn, trades per fill);
user streams get orderUpdate on every order change and balanceUpdate / reservedUpdate on every ledger
change of the logged-in account.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aiohttp import WSMsgType, web

from sandbox.exchanges.common import Fill, SimOrder
from services.exchanges.jsonwire import dumps
from services.exchanges.narkasa.constants import INTERVAL_MS, NATIVE_INTERVALS, WS_MARKET_STREAMS, WS_PONG

from .auth import user_stream_account
from .public import depth_levels, ticker_fields
from .state import NarkasaSim
from .wire import listed_order, ms, status_word

Message = dict[str, Any]
Topic = tuple[str, str, str]  # (type, market id or "", interval or "")


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    outbox: asyncio.Queue[Message] = field(default_factory=asyncio.Queue)
    topics: set[Topic] = field(default_factory=set)
    account: str | None = None

    def send(self, message: Message) -> None:
        self.outbox.put_nowait(message)


class StreamHub:
    def __init__(self, sim: NarkasaSim) -> None:
        self.sim = sim
        self.connections: set[Connection] = set()
        self.refuse_until = 0.0
        self.counts = {"connections": 0, "subscribe": 0, "user_streams": 0, "pings": 0, "dropped": 0}
        self._dirty: set[str] = set()
        self._traded: set[str] = set()
        self._flush_pending = False
        self._balances: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
        sim.core.ledger.on_change(self._on_balance)
        for book in sim.core.books.values():
            book.on_order(self._on_order)
            book.on_fill(self._on_fill)

    # connections -----------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if time.monotonic() < self.refuse_until:
            raise web.HTTPServiceUnavailable(text="stream unavailable")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.add(conn)
        self.counts["connections"] += 1
        writer = asyncio.create_task(self._write(conn))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._receive(conn, message.data)
        finally:
            self.connections.discard(conn)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    async def _write(self, conn: Connection) -> None:
        while True:
            message = await conn.outbox.get()
            try:
                await conn.ws.send_str(dumps(message))
            except (ConnectionError, RuntimeError):
                return

    async def drop(self, refuse_for: float = 0.0) -> int:
        """Close every connection (as a network failure would) and refuse new ones for a while."""
        self.refuse_until = time.monotonic() + refuse_for
        dropped = list(self.connections)
        for conn in dropped:
            await conn.ws.close(code=1001, message=b"dropped")
        self.counts["dropped"] += len(dropped)
        return len(dropped)

    def describe(self) -> dict[str, Any]:
        return {
            **self.counts,
            "open": len(self.connections),
            "users": sorted(c.account for c in self.connections if c.account),
            "topics": sorted({"/".join(filter(None, t)) for c in self.connections for t in c.topics}),
        }

    # requests --------------------------------------------------------------------------------------

    def _receive(self, conn: Connection, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            conn.send({"status": "failed", "message": "Invalid JSON"})
            return
        if not isinstance(data, dict):
            conn.send({"status": "failed", "message": "Invalid message"})
        elif data.get("data") == "ping":
            self.counts["pings"] += 1
            conn.send(dict(WS_PONG))
        elif data.get("method") in ("SUBSCRIBE", "UNSUBSCRIBE"):
            for param in data.get("params") or []:
                self._subscription(conn, data["method"], param)
        elif data.get("method") == "LIST_SUBSCRIPTIONS":
            result = [
                {k: v for k, v in zip(("type", "symbol", "interval"), t, strict=True) if v}
                for t in conn.topics
            ]
            conn.send({"method": "LIST_SUBSCRIPTIONS", "status": "success", "result": result})
        elif data.get("method") == "USER_STREAMS":
            self.counts["user_streams"] += 1
            account = user_stream_account(
                self.sim, str(data.get("apiKey", "")), str(data.get("signature", ""))
            )
            if account is None:
                conn.send({"method": "USER_STREAMS", "status": "failed", "message": "Unauthorized Access"})
            else:
                conn.account = account.name
                conn.send({"method": "USER_STREAMS", "status": "success"})
        else:
            conn.send({"method": data.get("method"), "status": "failed", "message": "Unknown method"})

    def _subscription(self, conn: Connection, method: str, param: Any) -> None:
        kind = param.get("type") if isinstance(param, dict) else None
        symbol = str(param.get("symbol") or "").upper() if isinstance(param, dict) else ""
        interval = str(param.get("interval") or "m1") if kind == "candles" else ""
        valid = kind in WS_MARKET_STREAMS and (
            (kind == "allTickers") or (symbol in self.sim.markets and interval in ("", *NATIVE_INTERVALS))
        )
        ack: Message = {"method": method, "status": "success" if valid else "failed", "type": kind}
        ack |= {k: v for k, v in (("symbol", symbol), ("interval", interval)) if v}
        if valid:
            topic = (str(kind), "" if kind == "allTickers" else symbol, interval)
            if method == "SUBSCRIBE":
                self.counts["subscribe"] += 1
                conn.topics.add(topic)
            else:
                conn.topics.discard(topic)
        conn.send(ack)

    # pushes ----------------------------------------------------------------------------------------

    def _publish(self, topic: Topic, message: Message) -> None:
        for conn in self.connections:
            if topic in conn.topics:
                conn.send(message)

    def _to_user(self, account: str, message: Message) -> None:
        for conn in self.connections:
            if conn.account == account:
                conn.send(message)

    def _on_balance(self, account: str, asset: str, free: Decimal, reserved: Decimal) -> None:
        before = self._balances.get((account, asset))
        self._balances[(account, asset)] = (free, reserved)
        if before is None or before[0] != free:
            self._to_user(account, {"type": "balanceUpdate", "symbol": asset, "available": free})
        if before is None or before[1] != reserved:
            self._to_user(account, {"type": "reservedUpdate", "symbol": asset, "reserved": reserved})

    def _on_order(self, order: SimOrder) -> None:
        market_id = self.sim.market_id(order.symbol)
        if order.account_id in self.sim.core.accounts:
            body = listed_order(order, market_id, order.id in self.sim.fast_orders)
            body["status"] = status_word(order)
            self._to_user(order.account_id, {"type": "orderUpdate", "order": body})
        self._dirty.add(market_id)
        self._schedule()

    def _on_fill(self, fill: Fill) -> None:
        market_id = self.sim.market_id(fill.symbol)
        trade = {
            "price": fill.price,
            "amount": fill.amount,
            "tradeType": 1 if fill.taker_side == "buy" else 0,
        }
        self._publish(
            ("trade", market_id, ""), {"type": "trade", "symbol": market_id, **trade, "time": ms(fill.time)}
        )
        self._traded.add(market_id)
        self._schedule()

    def _schedule(self) -> None:
        if self._flush_pending or not self.connections:
            return
        self._flush_pending = True
        asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_pending = False
        dirty, self._dirty = self._dirty, set()
        traded, self._traded = self._traded, set()
        for market_id in dirty:
            book = self.sim.core.book(self.sim.markets[market_id].symbol)
            levels = depth_levels(book)
            top = {"bidPrice": 0, "bidAmount": 0, "askPrice": 0, "askAmount": 0}
            if levels["bids"]:
                top |= {"bidPrice": levels["bids"][0]["price"], "bidAmount": levels["bids"][0]["amount"]}
            if levels["asks"]:
                top |= {"askPrice": levels["asks"][0]["price"], "askAmount": levels["asks"][0]["amount"]}
            self._publish(("orderBook", market_id, ""), {"type": "orderBook", "symbol": market_id, **top})
            self._publish(("depth", market_id, ""), {"type": "depth", "symbol": market_id, "depth": levels})
        for market_id in traded | dirty:
            fields = ticker_fields(self.sim, market_id)
            self._publish(("allTickers", "", ""), {"type": "allTickers", **fields})
            self._publish(("ticker", market_id, ""), {"type": "ticker", **fields})
        for market_id in traded:
            self._push_candles(market_id)

    def _push_candles(self, market_id: str) -> None:
        book = self.sim.core.book(self.sim.markets[market_id].symbol)
        intervals = {t[2] for c in self.connections for t in c.topics if t[:2] == ("candles", market_id)}
        for interval in intervals:
            width = INTERVAL_MS[interval] / 1000
            now = self.sim.core.clock.now()
            current = book.candles(width, since=now - now % width)
            if not current:
                continue
            k = current[-1]
            kline = {
                "openTime": ms(k.time),
                "open": k.open,
                "low": k.low,
                "high": k.high,
                "close": k.close,
                "volume": k.volume,
                "closeTime": ms(k.time + width) - 1,
            }
            message = {"type": "candles", "symbol": market_id, "interval": interval, "kline": kline}
            self._publish(("candles", market_id, interval), message)
