"""The deposit watcher over the simulators (real HTTP, real Redis): what was there at the first look is not
news, a new deposit is told once, a pending one once when seen and once when credited, and a new watcher
on the same Redis (a restart, a new leader) repeats nothing and misses nothing."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from demo.exchanges import DEMO_ACCOUNT, create_simulator, demo_seed_for
from sandbox.exchanges.common import STATE_KEY, SimExchangeState, running
from services.accounts import Account, AccountRegistry
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.models import TransferStatus
from services.redis_client import Keys
from services.watchers.transfers import TransferNews, TransferWatcher

pytestmark = pytest.mark.integration

EXCHANGES = ["incorex", "indodax", "narkasa"]
CATCH_UP_S = 2 * 86_400.0


@dataclass
class Rig:
    account: Account
    state: SimExchangeState
    redis: Redis
    keys: Keys
    told: list[TransferNews] = field(default_factory=list)

    now: float = field(default_factory=time.time)

    def watcher(self) -> TransferWatcher:
        """A new watcher each time, as a restarted bot or a new leader builds it."""
        return TransferWatcher(
            self.account, self.redis, self.keys, self._tell, catch_up_s=CATCH_UP_S, clock=lambda: self.now
        )

    async def _tell(self, news: TransferNews) -> None:
        self.told.append(news)

    def deposit(self, amount: str, txid: str, delay: float = 0) -> str:
        sent = self.state.transfers.inject_deposit(
            DEMO_ACCOUNT, "USDT", Decimal(amount), txid=txid, network="TRC20", delay=delay
        )
        return sent.id

    def told_of(self, txid: str) -> list[tuple[TransferStatus, bool]]:
        # by the simulator's id: some exchanges show no txid while a deposit is pending
        sent = next(t.id for t in self.state.transfers.query(DEMO_ACCOUNT, "deposit") if t.txid == txid)
        return [
            (n.transfer.status, n.first_seen)
            for n in self.told
            if txid == n.transfer.txid or sent == n.transfer.id
        ]


@contextlib.asynccontextmanager
async def rig(name: str, redis: Redis, keys: Keys) -> AsyncIterator[Rig]:
    seed = demo_seed_for(name).replace(drift_interval=0.0)
    app = create_simulator(name, seed)
    async with running(app) as base_url:
        demo = seed.account(DEMO_ACCOUNT)
        credentials = Credentials(demo.api_key, demo.api_secret, demo.api_login)
        config = ClientConfig(account=f"{name}-main", credentials=credentials, base_url=base_url)
        accounts = AccountRegistry.build([(name, config)])
        try:
            yield Rig(accounts.get(f"{name}-main"), app[STATE_KEY], redis, keys)
        finally:
            await accounts.close()


@pytest.mark.parametrize("name", EXCHANGES)
async def test_what_was_there_is_not_news_and_a_new_deposit_is_told_once(
    name: str, redis: Redis, keys: Keys
) -> None:
    async with rig(name, redis, keys) as r:
        r.deposit("5", "before-the-first-look")
        watcher = r.watcher()
        await watcher.poll()
        r.deposit("12.5", "arrived-later")
        await watcher.poll()
        await watcher.poll()
        assert r.told_of("before-the-first-look") == []
        assert r.told_of("arrived-later") == [(TransferStatus.OK, True)]
        news = next(n for n in r.told if n.transfer.txid == "arrived-later")
        assert (news.account, news.transfer.asset, news.transfer.amount) == (
            f"{name}-main",
            "USDT",
            Decimal("12.5"),
        )


@pytest.mark.parametrize("name", EXCHANGES)
async def test_a_pending_deposit_is_told_when_seen_and_when_credited(
    name: str, redis: Redis, keys: Keys
) -> None:
    async with rig(name, redis, keys) as r:
        watcher = r.watcher()
        await watcher.poll()
        pending = r.deposit("3", "slow-one", delay=3600)
        await watcher.poll()
        await watcher.poll()
        r.state.transfers.complete(pending)
        await watcher.poll()
        await watcher.poll()
        assert r.told_of("slow-one") == [(TransferStatus.PENDING, True), (TransferStatus.OK, False)]


@pytest.mark.parametrize("name", EXCHANGES)
async def test_a_restarted_watcher_repeats_nothing_and_tells_what_came_while_it_was_down(
    name: str, redis: Redis, keys: Keys
) -> None:
    async with rig(name, redis, keys) as r:
        before = r.watcher()
        await before.poll()
        r.deposit("1", "told-before-the-restart")
        pending = r.deposit("2", "pending-at-the-restart", delay=3600)
        await before.poll()
        r.deposit("4", "while-down")
        r.state.transfers.complete(pending)
        after = r.watcher()
        await after.poll()
        await after.poll()
        assert r.told_of("told-before-the-restart") == [(TransferStatus.OK, True)]
        assert r.told_of("while-down") == [(TransferStatus.OK, True)]
        assert r.told_of("pending-at-the-restart") == [
            (TransferStatus.PENDING, True),
            (TransferStatus.OK, False),
        ]


@pytest.mark.parametrize("name", EXCHANGES)
async def test_a_deposit_pending_for_hours_is_still_told_when_credited(
    name: str, redis: Redis, keys: Keys
) -> None:
    async with rig(name, redis, keys) as r:
        watcher = r.watcher()
        await watcher.poll()
        pending = r.deposit("6", "waits-for-confirmations", delay=86_400)
        await watcher.poll()
        r.now += 3 * 3600  # polls go on; the deposit is now far behind the cursor
        await watcher.poll()
        r.state.transfers.complete(pending)
        await watcher.poll()
        assert r.told_of("waits-for-confirmations") == [
            (TransferStatus.PENDING, True),
            (TransferStatus.OK, False),
        ]


class Killed(BaseException):
    """Stands for a kill -9 right after the push was queued: nothing after it in the poll runs."""


async def test_a_watcher_killed_after_telling_tells_it_again_rather_than_lose_it(
    redis: Redis, keys: Keys
) -> None:
    async with rig("indodax", redis, keys) as r:
        await r.watcher().poll()
        r.deposit("7", "told-then-killed")

        async def tell_then_die(news: TransferNews) -> None:
            r.told.append(news)
            raise Killed

        dying = TransferWatcher(
            r.account, r.redis, r.keys, tell_then_die, catch_up_s=CATCH_UP_S, clock=lambda: r.now
        )
        with pytest.raises(Killed):
            await dying.poll()
        await r.watcher().poll()
        await r.watcher().poll()
        # told twice under one event name: the outbox queues it once (test_notify.py)
        assert [n.event for n in r.told] == [r.told[0].event] * 2
        assert r.told_of("told-then-killed") == [(TransferStatus.OK, True)] * 2
