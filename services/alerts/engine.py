"""One market's new price in, the alerts it fires out: the feed calls `on_quote` for every tick.

A tick is fresh or ignored: a price older than three feed intervals never fires anything. What fires is
claimed inside one Redis script (store.tick), so it is delivered by the copy that claimed it, once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from services.alerts.prices import PriceBook, Quote
from services.alerts.store import AlertStore, Fired

log = logging.getLogger(__name__)

STALE_INTERVALS = 3

Deliver = Callable[[Fired], Awaitable[None]]


class FeedObserver(Protocol):
    """What the feed and the engine report as they work (the bot counts it in its metrics)."""

    def evaluated(self, fired: int) -> None:
        """One market's fresh price was evaluated against its alerts; ``fired`` of them fired."""

    def polled(self, exchange: str, seconds: float) -> None:
        """One all-tickers request of the feed took ``seconds`` (answered or failed)."""


class Unobserved:
    def evaluated(self, fired: int) -> None:
        pass

    def polled(self, exchange: str, seconds: float) -> None:
        pass


class AlertEngine:
    def __init__(
        self,
        store: AlertStore,
        prices: PriceBook,
        deliver: Deliver,
        *,
        interval_s: float,
        observer: FeedObserver | None = None,
    ) -> None:
        self.store = store
        self.prices = prices
        self._deliver = deliver
        self.stale_after_s = STALE_INTERVALS * interval_s
        self.observer = observer or Unobserved()

    async def on_quote(self, account: str, symbol: str, quote: Quote, now: float) -> list[Fired]:
        if now - quote.at > self.stale_after_s or quote.price <= 0:
            return []
        periods = await self.store.periods(account, symbol)
        moves = await self.prices.moves(account, symbol, quote, periods)
        fired = await self.store.tick(account, symbol, quote.price, now, moves)
        self.observer.evaluated(len(fired))
        for alert in fired:
            try:
                await self._deliver(alert)
            except Exception:
                # claimed but not told: logged with its id so it can be traced (the outbox will retry)
                log.exception("alert %s fired but its push failed", alert.alert.id)
        return fired
