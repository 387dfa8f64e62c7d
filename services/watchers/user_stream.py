"""Narkasa's USER_STREAMS in the leader: its order updates are the account's fills, its balance updates
start a look at the deposit history; while it is not connected, the REST polls say what it would.

The stream's memory of orders is the fill watcher's, in Redis: a new leader's stream resyncs from what the
last one recorded (a fill during the handover is told, one told before is not). Each order update the
stream receives is the watcher's report, its fill told before the update is recorded, as in the polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from services.exchanges.models import Order
from services.exchanges.narkasa.client import NarkasaClient
from services.exchanges.narkasa.models import BalanceUpdateEvent, OrderUpdateEvent, StreamEvent
from services.exchanges.narkasa.stream import NarkasaStream
from services.watchers.fills import FillWatcher
from services.watchers.orders import KnownOrders
from services.watchers.transfers import TransferWatcher

log = logging.getLogger(__name__)


class ReportedOrders:
    """The stream's ``OrderMemory``: an update passes as the fill watcher's report (told, then recorded)."""

    def __init__(self, fills: FillWatcher) -> None:
        self._fills = fills

    async def accept(self, event: OrderUpdateEvent) -> bool:
        try:
            return await self._fills.report(event.order)
        except Exception:
            # Redis unreachable, most likely: the stream goes on; the update is left unrecorded
            log.exception("narkasa user stream %s: an update was not handled", self._fills.account.name)
            return False

    async def open_orders(self, seen_before: float) -> list[Order]:
        return await self._fills.orders.open_orders(seen_before)

    async def known(self) -> bool:
        return await self._fills.orders.known()


class UserStream:
    def __init__(self, client: NarkasaClient, fills: FillWatcher, deposits: TransferWatcher | None) -> None:
        self._client = client
        self._fills = fills
        self._deposits = deposits
        self._stream: NarkasaStream | None = None
        self._look: asyncio.Task[None] | None = None
        self._look_again = False

    @property
    def orders(self) -> KnownOrders:
        return self._fills.orders

    @property
    def connected(self) -> bool:
        return self._stream is not None and self._stream.user_connected

    async def poll(self) -> None:
        """Each watcher interval: the stream running (started again if it stopped), and the REST look at
        the orders while it is not connected (also the first look, which only records what is there)."""
        if not self.connected:
            await self._fills.poll()
        if self._stream is None:
            self._stream = self._client.stream(memory=ReportedOrders(self._fills))
            self._stream.on_event(self._on_event)
            await self._stream.watch_user()
        await self._stream.start()

    async def close(self) -> None:
        if self._stream is not None:
            await self._stream.close()
        if self._look is not None:
            self._look.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._look
            self._look = None

    def _on_event(self, event: StreamEvent) -> None:
        if isinstance(event, BalanceUpdateEvent):
            self._look_at_deposits()

    def _look_at_deposits(self) -> None:
        """One look at a time; updates arriving during a look ask for one more after it."""
        if self._deposits is None:
            return
        if self._look is not None and not self._look.done():
            self._look_again = True
            return
        self._look = asyncio.create_task(self._deposit_looks(self._deposits))

    async def _deposit_looks(self, deposits: TransferWatcher) -> None:
        while True:
            self._look_again = False
            try:
                await deposits.poll()
            except Exception:
                log.exception("narkasa user stream %s: the deposit look failed", self._fills.account.name)
            if not self._look_again:
                return
