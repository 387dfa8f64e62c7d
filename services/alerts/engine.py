"""A feed round's prices in, the alerts they fire out: the feed calls `on_quotes` with every market of an
account that has alerts.

A quote is fresh or ignored: a price older than three feed intervals never fires anything. A round
costs one Redis round trip whatever the number of markets and alerts (store.tick: one script, and a
second one when a percent move may fire), which claims what fires, so it is delivered by the copy that
claimed it, once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from services.alerts.prices import Quote
from services.alerts.store import AlertStore, Fired

log = logging.getLogger(__name__)

STALE_INTERVALS = 3

Deliver = Callable[[Fired], Awaitable[None]]


class FeedObserver(Protocol):
    """What the feed and the engine report as they work (the bot counts it in its metrics)."""

    def evaluated(self, markets: int, fired: int) -> None:
        """A round evaluated ``markets`` fresh prices against their alerts; ``fired`` of them fired."""

    def polled(self, exchange: str, seconds: float) -> None:
        """One all-tickers request of the feed took ``seconds`` (answered or failed)."""


class Unobserved:
    def evaluated(self, markets: int, fired: int) -> None:
        pass

    def polled(self, exchange: str, seconds: float) -> None:
        pass


class AlertEngine:
    def __init__(
        self, store: AlertStore, deliver: Deliver, *, interval_s: float, observer: FeedObserver | None = None
    ) -> None:
        self.store = store
        self._deliver = deliver
        self.stale_after_s = STALE_INTERVALS * interval_s
        self.observer = observer or Unobserved()

    async def on_quotes(self, account: str, quotes: Mapping[str, Quote], now: float) -> list[Fired]:
        fresh = {s: q for s, q in quotes.items() if now - q.at <= self.stale_after_s and q.price > 0}
        if not fresh:
            return []
        fired = await self.store.tick(account, fresh, now)
        self.observer.evaluated(len(fresh), len(fired))
        for alert in fired:
            try:
                await self._deliver(alert)
            except Exception:
                # claimed but not told: logged with its id so it can be traced (the outbox will retry)
                log.exception("alert %s fired but its push failed", alert.alert.id)
        return fired
