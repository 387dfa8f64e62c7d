"""Alert pushes through the notifier: in the member's language, to members of the team only, and the
feed's outage and recovery told to each member with alerts on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from bot.alert_jobs import AlertPushes
from sandbox.telegram.client import EmulatorClient
from services.alerts.conditions import parse_condition
from services.alerts.store import Alert, Fired
from services.redis_client import Keys
from services.team import Role, TeamDirectory, TeamMember
from services.user_settings import UserSettings
from tests.integration.bot.pushing import pushing_through_the_emulator

pytestmark = pytest.mark.integration

ALICE = TeamMember(telegram_id=1001, name="alice", role=Role.ADMIN)
DAVE = TeamMember(telegram_id=1005, name="dave", role=Role.VIEWER)
GONE = 1099  # had alerts, no longer in the team


@pytest.fixture
async def pushes(redis: Redis, keys: Keys) -> AsyncIterator[tuple[AlertPushes, EmulatorClient, UserSettings]]:
    async with pushing_through_the_emulator(redis, keys) as running:
        yield AlertPushes(running.notifier(), TeamDirectory([ALICE, DAVE])), running.client, running.settings


def fired(member: int, text: str = "> 70000 sell half") -> Fired:
    alert = Alert(7, member, "incorex-main", "BTC/USDT", parse_condition(text.split()), "armed", 0.0, None)
    return Fired(alert, Decimal("70500.5"))


async def test_a_fired_alert_is_pushed_in_the_members_language(
    pushes: tuple[AlertPushes, EmulatorClient, UserSettings],
) -> None:
    sender, client, settings = pushes
    await settings.set_language(ALICE.telegram_id, "ru")
    await sender.fired(fired(ALICE.telegram_id))
    pushed = await client.wait_for(ALICE.telegram_id, lambda m: m.from_bot)
    assert pushed.text == (
        "🔔 Оповещение #7\n"
        "BTC/USDT на incorex-main достигла 70\u00a0000 или выше: сейчас 70\u00a0500,5.\n"
        "sell half"
    )


async def test_nothing_is_pushed_to_someone_no_longer_in_the_team(
    pushes: tuple[AlertPushes, EmulatorClient, UserSettings],
) -> None:
    sender, client, _ = pushes
    await sender.fired(fired(GONE))
    await sender.fired(fired(DAVE.telegram_id))
    await client.wait_for(DAVE.telegram_id, lambda m: m.from_bot and "Alert #7" in (m.text or ""))
    assert await client.messages(GONE) == []


async def test_an_outage_and_the_recovery_are_told_to_each_member_with_alerts_there(
    pushes: tuple[AlertPushes, EmulatorClient, UserSettings],
) -> None:
    sender, client, _ = pushes
    members = {ALICE.telegram_id, DAVE.telegram_id, GONE}
    await sender.outage(["incorex-main"], members, down=True)
    await sender.outage(["incorex-main"], members, down=False)
    for member in (ALICE, DAVE):
        back = await client.wait_for(
            member.telegram_id, lambda m: m.from_bot and "are back" in (m.text or "")
        )
        texts = [m.text for m in await client.messages(member.telegram_id, bot_only=True)]
        assert texts == [
            "⚠️ No prices from incorex-main for a while: alerts on it wait until prices come back.",
            back.text,
        ]
    assert await client.messages(GONE) == []
