"""The price feed: one all-tickers request per exchange per interval, for the exchanges that have alerts.

Accounts on the same exchange site share one request (a source). Narkasa's prices come from its
websocket ``allTickers`` stream, which ticks the markets that move: while it is connected (its heartbeat
finds a dead socket) a calm market costs nothing. Its REST markets request stands in while the stream is
down, and runs once after each (re)connect to catch up on what moved meanwhile.
Every price lands in Redis with its time (PriceBook) and the markets with alerts are evaluated
(AlertEngine). How many requests an exchange receives depends on the sources and the interval only.

A source that has had no price for longer than three intervals is down: the members with alerts on it
are told once (a key in Redis marks it, so a new leader does not tell them again), and once when it is
back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from redis.asyncio import Redis

from services.accounts import Account, AccountRegistry
from services.alerts.engine import AlertEngine
from services.alerts.prices import PriceBook
from services.alerts.store import AlertStore
from services.exchanges import errors
from services.exchanges.models import Ticker
from services.exchanges.narkasa.client import NarkasaClient
from services.exchanges.narkasa.models import ConnectionEvent, TickerEvent
from services.exchanges.narkasa.stream import NarkasaStream
from services.redis_client import Keys

log = logging.getLogger(__name__)

# Called with the source's accounts, the members to tell, and whether the feed went down (else: back).
Outage = Callable[[list[str], set[int], bool], Awaitable[None]]


@dataclass
class Source:
    """One exchange site: the accounts that share its public prices, and the client that reads them."""

    key: str
    accounts: list[Account]
    stream: NarkasaStream | None = None
    stream_live: bool = False
    # connections of the stream so far, and the one a REST round last caught up after
    stream_epoch: int = 0
    synced_epoch: int = -1
    last_ok: float = 0.0  # 0: not polled since this copy began to lead

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.accounts]


def group_sources(accounts: Iterable[Account]) -> list[Source]:
    sources: dict[str, Source] = {}
    for account in accounts:
        key = f"{account.exchange}|{account.client.base_url}"
        sources.setdefault(key, Source(key, [])).accounts.append(account)
    return list(sources.values())


class PriceFeed:
    def __init__(
        self,
        accounts: AccountRegistry,
        store: AlertStore,
        prices: PriceBook,
        engine: AlertEngine,
        redis: Redis,
        keys: Keys,
        *,
        interval_s: float,
        on_outage: Outage,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._sources = group_sources(accounts)
        self._store = store
        self._prices = prices
        self._engine = engine
        self._redis = redis
        self._keys = keys
        self.interval_s = interval_s
        self._on_outage = on_outage
        self._clock = clock

    async def poll(self) -> None:
        """One round: every source that alerts need gets its prices (from the stream or one request)."""
        needed = await self._store.accounts()
        await asyncio.gather(*(self._poll(s, needed) for s in self._sources))

    async def close(self) -> None:
        for source in self._sources:
            source.last_ok = 0.0
            await self._close_stream(source)

    async def _poll(self, source: Source, needed: set[str]) -> None:
        if not needed.intersection(source.names):
            await self._close_stream(source)
            return
        now = self._clock()
        source.last_ok = source.last_ok or now
        client = source.accounts[0].client
        epoch = source.stream_epoch
        if isinstance(client, NarkasaClient):
            await self._ensure_stream(source, client)
            if source.stream_live and source.synced_epoch == epoch:
                await self._health(source, now, ok=True)
                return
        started = time.perf_counter()
        try:
            tickers = await client.fetch_tickers()
        except errors.ExchangeError as exc:
            log.warning("price feed %s: %s", source.key, exc)
            await self._health(source, now, ok=False)
            return
        finally:
            self._engine.observer.polled(source.accounts[0].exchange, time.perf_counter() - started)
        await self._ingest(source, tickers.values(), now, whole_round=True)
        if source.stream_live:
            source.synced_epoch = epoch  # a reconnect during the request leaves another round to do
        await self._health(source, now, ok=True)

    async def _ingest(
        self, source: Source, tickers: Iterable[Ticker], seen: float, *, whole_round: bool
    ) -> None:
        quotes = await self._prices.put_latest(source.names, tickers, seen, whole_round=whole_round)
        for account in source.names:
            watched = (await self._store.markets(account)).intersection(quotes)
            await self._engine.on_quotes(account, {s: quotes[s] for s in watched}, self._clock())

    async def _ensure_stream(self, source: Source, client: NarkasaClient) -> None:
        if source.stream is None:
            source.stream = client.stream()
            source.stream.on_event(lambda event: self._on_stream(source, event))
            await source.stream.subscribe("allTickers")
        await source.stream.start()

    @staticmethod
    async def _close_stream(source: Source) -> None:
        if source.stream is not None:
            await source.stream.close()
        source.stream_live = False

    async def _on_stream(self, source: Source, event: object) -> None:
        if isinstance(event, ConnectionEvent):
            source.stream_live = event.connected
            source.stream_epoch += 1
            return
        if not isinstance(event, TickerEvent):
            return
        try:
            await self._ingest(source, [event.ticker], self._clock(), whole_round=False)
        except Exception:
            # the stream must keep reading: a tick that could not be evaluated is logged, the next one comes
            log.exception("price feed %s: a stream tick was not evaluated", source.key)

    async def _health(self, source: Source, now: float, *, ok: bool) -> None:
        marker = self._keys("feed", "down", source.key)
        if ok:
            source.last_ok = now
            if await self._redis.delete(marker):
                await self._tell(source, down=False)
        elif now - source.last_ok > self._engine.stale_after_s and await self._redis.set(
            marker, repr(now), nx=True
        ):
            await self._tell(source, down=True)

    async def _tell(self, source: Source, *, down: bool) -> None:
        members: set[int] = set()
        for account in source.names:
            members |= await self._store.members_on(account)
        if members:
            await self._on_outage(source.names, members, down)
