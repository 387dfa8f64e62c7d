"""The bot on Redis with Sentinel: a master, a replica and a sentinel of our own; the replica is
promoted (or the master killed) and the bot's clients, built from the config, carry on with nothing lost."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.app import BotApp
from bot.config import parse_config
from services.actions.states import ActionState
from services.actions.store import ActionStore, Decision
from services.audit import AuditLog
from services.leader import LeaderLease
from tests.redis_sentinel import DB, SentinelSet, running_sentinel_set

pytestmark = pytest.mark.integration

PARAMS = {"side": "buy", "pair": "BTC/USDT", "amount": "0.5", "price": "30000"}
ADMIN_ID = 1001
FSM_KEY = StorageKey(bot_id=42, chat_id=ADMIN_ID, user_id=ADMIN_ID)


@pytest.fixture
def sentinel_set(tmp_path: Path) -> Iterator[SentinelSet]:
    with running_sentinel_set(tmp_path) as nodes:
        yield nodes


@pytest.fixture
async def app(sentinel_set: SentinelSet, key_prefix: str) -> AsyncIterator[BotApp]:
    config = parse_config(
        {
            "telegram": {"token": "42:TEST"},
            "redis": {**sentinel_set.redis_config, "prefix": key_prefix},
            "team": [{"telegram_id": ADMIN_ID, "name": "alice", "role": "admin"}],
        }
    )
    app = BotApp.from_config(config)
    try:
        yield app
    finally:
        await app.storage.close()
        await app.redis.aclose()
        await app.bot.session.close()


class Failover:
    """The bot's clients, built from the config, and what they wrote before the master changed."""

    def __init__(self, nodes: SentinelSet, app: BotApp) -> None:
        self.nodes, self.app = nodes, app
        self.actions = ActionStore(app.redis, app.dispatcher.workflow_data["keys"])
        self.audit: AuditLog = app.dispatcher.workflow_data["audit"]
        self.lease: LeaderLease = app.workers.lease
        self.action_id = self.token = ""

    async def write_before(self) -> None:
        await self.nodes.ready()
        action, self.token = await self.actions.create(
            kind="order", member_id=ADMIN_ID, chat_id=ADMIN_ID, account="main", params=PARAMS, ttl_s=600
        )
        self.action_id = action.id
        await self.audit.record(ADMIN_ID, "order.preview", {"account": "main"})
        assert await self.lease.claim()
        await self.app.storage.set_data(FSM_KEY, {"step": "amount"})
        # in the database the URL names, on the master the sentinel names
        async with self.nodes.master.client(DB) as client:
            assert await client.get(self.lease.key) == self.lease.holder
        await self.nodes.replicated()

    async def carry_on(self) -> None:
        """The same client objects, now on the promoted replica: the lease is renewed, the pending
        action is confirmed, the audit chain and the member's dialogue go on."""
        assert await self.lease.claim(), "the lease renewal failed after the failover"
        decision = await self.actions.decide(self.token, presser_id=ADMIN_ID, chat_id=ADMIN_ID, confirm=True)
        assert decision is Decision.OK
        await self.audit.record(ADMIN_ID, "order.confirm", {"account": "main"})
        await self.app.storage.set_data(FSM_KEY, {"step": "confirm"})

    async def nothing_lost(self) -> None:
        assert await self.lease.current_holder() == self.lease.holder
        assert await self.lease.claim()
        confirmed = await self.actions.get(self.action_id)
        assert confirmed is not None and confirmed.state is ActionState.CONFIRMED
        assert [entry.action for entry in await self.audit.latest(count=10, actor_id=ADMIN_ID)] == [
            "order.confirm",
            "order.preview",
        ]
        report = (await self.audit.verify()).report
        assert report.intact and report.count == 2
        assert await self.app.storage.get_data(FSM_KEY) == {"step": "confirm"}
        async with self.nodes.replica.client(DB) as client:
            assert await client.get(self.lease.key) == self.lease.holder


@pytest.fixture
def failover(sentinel_set: SentinelSet, app: BotApp) -> Failover:
    return Failover(sentinel_set, app)


async def test_the_bot_carries_on_when_the_replica_is_promoted(failover: Failover) -> None:
    await failover.write_before()
    await failover.nodes.fail_over()
    await failover.carry_on()
    await failover.nodes.old_master_demoted()
    await failover.nothing_lost()


async def test_the_bot_carries_on_when_the_master_dies(failover: Failover) -> None:
    await failover.write_before()
    failover.nodes.master.kill()
    await failover.nodes.promoted()
    await failover.carry_on()
    await failover.nothing_lost()
