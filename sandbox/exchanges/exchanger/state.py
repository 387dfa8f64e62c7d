"""The simulated site: the core state plus directions, bids, partners and callback deliveries."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.exchanges.common import Clock, Seed, ServerLimit, SimExchangeState

from .bids import SITE, BidBook, SimBid
from .directions import SimDirection, directions_from
from .partner import PartnerBook

DEFAULT_RESERVES = {"USDT": Decimal(500_000), "BTC": Decimal(10), "ETH": Decimal(100)}
OTHER_RESERVE = Decimal(1000)
TICK = 0.1


class ExchangerSite:
    def __init__(
        self,
        seed: Seed | None = None,
        *,
        clock: Clock | None = None,
        reserves: Mapping[str, Decimal] | None = None,
        merchant_directions: Collection[str] = (),
        refused_directions: Collection[str] = (),
        pay_delay: float | None = None,
        payout_delay: float | None = 5.0,
        expire_after: float | None = None,
        partner_balance: Decimal = Decimal(25),
        rate_limits: Sequence[ServerLimit] = (),
    ) -> None:
        seed = seed or Seed.default("exchanger")
        # directions replace order books: the core keeps accounts, ledger, faults, limits and counters.
        # The document states no limit, so none is enforced unless a test asks for one.
        self.core = SimExchangeState(seed.replace(markets=()), clock=clock, limits=rate_limits)
        self.directions = {d.id: d for d in directions_from(seed, frozenset(merchant_directions))}
        # listed by get_directions, but "Direction not found" to every call that names them
        self.refused = frozenset(refused_directions)
        codes = {d.give.code for d in self.directions.values()}
        for code, amount in (reserves or {c: DEFAULT_RESERVES.get(c, OTHER_RESERVE) for c in codes}).items():
            self.core.ledger.credit(SITE, code, Decimal(amount))
        self.bids = BidBook(
            self.core.ledger,
            self.core.clock,
            self.core.ids,
            pay_delay=pay_delay,
            payout_delay=payout_delay,
            expire_after=expire_after,
        )
        usdt = next((d.get for d in self.directions.values() if d.get.code == "USDT"), None)
        payout_currency = usdt or next(iter(self.directions.values())).get
        self.partners = PartnerBook(
            list(self.core.accounts), payout_currency, self.core.clock, self.core.ids, partner_balance
        )
        self.callbacks: list[dict[str, Any]] = []
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.bids.on_change(self._notify)

    def reserve(self, direction: SimDirection) -> Decimal:
        return self.core.ledger.free(SITE, direction.get.code)

    def currencies(self) -> dict[str, Any]:
        return {d.give.id: d.give for d in self.directions.values()} | {
            d.get.id: d.get for d in self.directions.values()
        }

    # -- callbacks: POST bid_id to the bid's callback_url on every status change --------------------

    def _notify(self, bid: SimBid) -> None:
        if bid.callback_url:
            task = asyncio.get_running_loop().create_task(self._deliver(bid.callback_url, bid.id, bid.status))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, url: str, bid_id: str, status: str) -> None:
        delivery: dict[str, Any] = {"url": url, "bid_id": bid_id, "status": status, "http_status": None}
        self.callbacks.append(delivery)
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with self._session.post(url, data={"bid_id": bid_id}) as response:
                delivery["http_status"] = response.status

    # -- life cycle ---------------------------------------------------------------------------------

    def attach(self, app: web.Application) -> None:
        self.core.attach(app, complete_transfers=False)
        app.on_startup.append(self._start)
        app.on_cleanup.append(self._stop)

    async def _start(self, app: web.Application) -> None:
        task = asyncio.get_running_loop().create_task(self._tick())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _tick(self) -> None:
        while True:
            self.bids.advance_due()
            await asyncio.sleep(TICK)

    async def _stop(self, app: web.Application) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
