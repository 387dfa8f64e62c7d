"""Pushes outside an update: queued in the outbox in the recipient's language and time zone, as the member
chose for their kind, copied to the team group for the kinds it takes; sent by the outbox's sender
(aiogram's real client against the Bot API emulator)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram.utils.i18n import gettext as _
from redis.asyncio import Redis

from bot.notify import Recipient
from services.notify_settings import Kind, Mode, TeamGroup
from services.redis_client import Keys
from services.team import Role, TeamMember
from tests.integration.bot.pushing import Pushing, drained, pushing_through_the_emulator

pytestmark = pytest.mark.integration

ALICE = TeamMember(telegram_id=1001, name="alice", role=Role.ADMIN)
BOB = TeamMember(telegram_id=1002, name="bob", role=Role.APPROVER)
GROUP = -100123
WHEN = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


def greeting(to: Recipient) -> str:
    """A push whose words and clock depend on who reads it."""
    hello = _("Hello, {name}! Your role: {role}.").format(name="alice", role="admin")
    return f"{hello} {WHEN.astimezone(to.timezone):%H:%M}"


@pytest.fixture
async def pushing(redis: Redis, keys: Keys) -> AsyncIterator[Pushing]:
    async with pushing_through_the_emulator(redis, keys) as running:
        yield running


async def test_a_push_speaks_the_members_language_in_their_time_zone(pushing: Pushing) -> None:
    await pushing.settings.set_language(ALICE.telegram_id, "ru")
    await pushing.settings.set_timezone(ALICE.telegram_id, ZoneInfo("Asia/Jakarta"))

    await pushing.notifier().notify(ALICE, greeting)

    pushed = await pushing.client.wait_for(
        ALICE.telegram_id, lambda m: m.from_bot and "alice" in (m.text or "")
    )
    assert pushed.text == "Здравствуйте, alice! Ваша роль: admin. 19:00"


async def test_a_member_who_chose_nothing_gets_the_defaults_and_a_group_too(pushing: Pushing) -> None:
    notifier = pushing.notifier("Europe/Istanbul")

    await notifier.notify(ALICE, greeting)
    pushed = await pushing.client.wait_for(
        ALICE.telegram_id, lambda m: m.from_bot and "alice" in (m.text or "")
    )
    assert pushed.text == "Hello, alice! Your role: admin. 15:00"

    group = await notifier.recipient(GROUP)
    assert (group.locale, group.timezone) == ("en", ZoneInfo("Europe/Istanbul"))


async def test_a_kind_turned_off_is_not_pushed_and_a_silent_one_comes_without_sound(pushing: Pushing) -> None:
    await pushing.choices.set_mode(ALICE.telegram_id, Kind.PRICE_ALERTS, Mode.OFF)
    await pushing.choices.set_mode(ALICE.telegram_id, Kind.FILLS, Mode.SILENT)
    notifier = pushing.notifier()

    await notifier.notify(ALICE, lambda _r: "BTC above 100", kind=Kind.PRICE_ALERTS)
    await notifier.notify(ALICE, lambda _r: "order filled", kind=Kind.FILLS)
    await notifier.notify(ALICE, lambda _r: "deposit arrived", kind=Kind.DEPOSITS)

    await pushing.client.wait_for(ALICE.telegram_id, lambda m: m.text == "deposit arrived")
    calls = {c["params"]["text"]: c["params"] for c in await pushing.client.calls("sendMessage")}
    assert "BTC above 100" not in calls
    assert calls["order filled"].get("disable_notification") in (True, "true")
    assert calls["deposit arrived"].get("disable_notification") in (None, False, "false")


async def test_the_team_group_gets_its_kinds_once_however_many_members_are_told(pushing: Pushing) -> None:
    notifier = pushing.notifier(group=TeamGroup(GROUP, frozenset({Kind.DEPOSITS})))

    for member in (ALICE, BOB):
        await notifier.notify(member, lambda _r: "deposit of 5 BTC arrived", kind=Kind.DEPOSITS)
        await notifier.notify(member, lambda _r: "your alert fired", kind=Kind.PRICE_ALERTS)
    await drained(pushing.outbox)

    to_group = [
        c["params"]["text"]
        for c in await pushing.client.calls("sendMessage")
        if c["params"]["chat_id"] in (GROUP, str(GROUP))
    ]
    assert to_group == ["deposit of 5 BTC arrived"]


async def test_an_event_told_again_is_queued_once_for_each_recipient(pushing: Pushing) -> None:
    """A watcher that died after queueing its push and before recording it tells the event again: the
    member and the group still get it once, and another event still gets through."""
    notifier = pushing.notifier(group=TeamGroup(GROUP, frozenset({Kind.DEPOSITS})))

    for _attempt in range(2):
        await notifier.notify(ALICE, lambda _r: "deposit 7 of 1 BTC", Kind.DEPOSITS, once="deposit:7:done")
    await notifier.notify(BOB, lambda _r: "deposit 7 of 1 BTC", Kind.DEPOSITS, once="deposit:7:done")
    await notifier.notify(ALICE, lambda _r: "deposit 8 of 2 BTC", Kind.DEPOSITS, once="deposit:8:done")

    await pushing.client.wait_for(ALICE.telegram_id, lambda m: m.text == "deposit 8 of 2 BTC")
    await pushing.client.wait_for(BOB.telegram_id, lambda m: m.text == "deposit 7 of 1 BTC")
    await drained(pushing.outbox)
    sent = [
        (int(c["params"]["chat_id"]), c["params"]["text"]) for c in await pushing.client.calls("sendMessage")
    ]
    assert sorted(sent, key=str) == sorted(
        [
            (ALICE.telegram_id, "deposit 7 of 1 BTC"),
            (BOB.telegram_id, "deposit 7 of 1 BTC"),
            (GROUP, "deposit 7 of 1 BTC"),
            (ALICE.telegram_id, "deposit 8 of 2 BTC"),
            (GROUP, "deposit 8 of 2 BTC"),
        ],
        key=str,
    )
