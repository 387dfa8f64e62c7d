"""/audit verify, /audit export and /audit ACCOUNT on the assembled dispatcher, on real Redis."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from redis.asyncio import Redis

from handlers.views.lang import LanguageChoice
from services.audit_chain import verify_chain
from services.audit_csv import read_csv
from services.redis_client import Keys
from tests.integration.bot.harness import ADMIN_ID, TRADER_ID, VIEWER_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import callback_update, message_update

pytestmark = pytest.mark.integration

ACCOUNTS = [
    {"name": "iqfinex-main", "exchange": "iqfinex", "api_key": "IQ-KEY-0001", "api_secret": "IQ-SECRET-0001"},
    {"name": "indodax-main", "exchange": "indodax", "api_key": "ID-KEY-0002", "api_secret": "ID-SECRET-0002"},
]


@pytest.fixture
async def harness(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[Harness]:
    built = build_harness(team_config(key_prefix, accounts=ACCOUNTS), redis, keys)
    yield built
    await built.close()


async def _activity(harness: Harness) -> list[str]:
    """A language choice, a time zone, a refusal, and order steps on two accounts; their entry ids."""
    await harness.feed(callback_update(TRADER_ID, LanguageChoice(code="en").pack()))
    await harness.feed(message_update(VIEWER_ID, "/tz Asia/Jakarta"))
    await harness.feed(message_update(VIEWER_ID, "/audit"))
    audit = harness.services.audit
    await audit.record(TRADER_ID, "order.preview", {"account": "iqfinex-main", "pair": "BTC/USDT"})
    await audit.record(TRADER_ID, "order.preview", {"account": "indodax-main", "pair": "BTC/IDR"})
    return [link.entry_id for link in (await audit.window()).links]


async def _reply(harness: Harness, args: str) -> str:
    harness.session.clear()
    await harness.feed(message_update(ADMIN_ID, f"/audit {args}"))
    [text] = harness.session.sent_texts(ADMIN_ID)
    return text


async def test_audit_verify_says_the_chain_is_intact(harness: Harness) -> None:
    ids = await _activity(harness)
    text = await _reply(harness, "verify")
    assert text.startswith(f"Chain intact: 5 entries from <code>{ids[0]}</code> (")
    assert f"to <code>{ids[-1]}</code> (" in text and "order.preview)." in text
    head = (await harness.services.audit.window()).links[-1].prev_hash  # the verify itself is audited
    assert f"Newest hash: <code>{head}</code>" in text


async def test_audit_verify_names_an_entry_removed_in_the_middle(harness: Harness, redis: Redis) -> None:
    ids = await _activity(harness)
    await redis.xdel(harness.services.keys("audit"), ids[2])
    text = await _reply(harness, "verify")
    assert text.startswith(f"Chain broken at entry <code>{ids[3]}</code> (")
    assert f"it does not follow entry <code>{ids[1]}</code>" in text


async def test_audit_verify_names_an_edited_entry(harness: Harness, redis: Redis) -> None:
    ids = await _activity(harness)
    key = harness.services.keys("audit")
    entries = await redis.xrange(key)
    await redis.delete(key)
    for entry_id, fields in entries:
        edited = {**fields, "details": '{"language":"ru"}'} if entry_id == ids[0] else fields
        await redis.xadd(key, edited, id=entry_id)
    text = await _reply(harness, "verify")
    assert text.startswith(f"Chain broken at entry <code>{ids[0]}</code> (")
    assert "it was changed" in text


async def test_audit_export_sends_a_csv_the_verifier_accepts(harness: Harness) -> None:
    ids = await _activity(harness)
    harness.session.clear()
    await harness.feed(message_update(ADMIN_ID, "/audit export"))
    [sent] = [call for call in harness.session.calls if isinstance(call, SendDocument)]
    assert isinstance(sent.document, BufferedInputFile) and sent.document.filename.endswith(".csv")
    links = read_csv(sent.document.data.decode())
    assert [link.entry_id for link in links] == ids
    assert (links[0].actor_id, links[0].action) == (TRADER_ID, "lang.set")
    assert "tom" in sent.document.data.decode()  # the actor's name beside the id
    # the caption gives what the file must start from and end at: an auditor checks both
    caption = str(sent.caption)
    assert caption.startswith(f"Audit log: 5 entries from <code>{ids[0]}</code> (")
    anchor, head = re.findall(r"--anchor (\w+) --head (\w+)", caption)[0]
    assert verify_chain(links, anchor=anchor, head=head).intact
    [entry] = await harness.services.audit.latest(1)
    assert (entry.action, entry.details["entries"], entry.details["head"]) == ("audit.export", 5, head)


async def test_audit_export_is_for_admins_only(harness: Harness) -> None:
    await _activity(harness)
    harness.session.clear()
    await harness.feed(message_update(VIEWER_ID, "/audit export"))
    assert harness.session.sent_texts(VIEWER_ID) == ["This needs the admin role."]
    assert not [call for call in harness.session.calls if isinstance(call, SendDocument)]


async def test_audit_filters_by_account(harness: Harness) -> None:
    await _activity(harness)
    text = await _reply(harness, "INDODAX-main")
    assert text.startswith("Latest audit log entries about account indodax-main:")
    assert "pair=BTC/IDR" in text and "BTC/USDT" not in text and "tz.set" not in text


async def test_audit_filters_by_kind(harness: Harness) -> None:
    await _activity(harness)
    text = await _reply(harness, "order.preview")
    assert text.startswith("Latest audit log entries of kind order.preview:")
    assert text.count("<b>order.preview</b>") == 2 and "tz.set" not in text


async def test_verify_and_export_of_an_empty_log_say_so(harness: Harness) -> None:
    assert await _reply(harness, "export") == "The audit log is empty."
    assert not [call for call in harness.session.calls if isinstance(call, SendDocument)]
    assert await _reply(harness, "verify") == "The audit log is empty."


async def test_verify_counts_entries_from_before_the_chain_apart(harness: Harness, redis: Redis) -> None:
    fields = {
        "time": "2026-01-01T00:00:00+00:00",
        "actor": str(ADMIN_ID),
        "action": "lang.set",
        "details": "{}",
    }
    await redis.xadd(harness.services.keys("audit"), fields)
    assert await _reply(harness, "verify") == "1 older entries predate the chain and are not covered."
    text = await _reply(harness, "verify")  # the first verify is on record, chained
    assert text.startswith("Chain intact: 1 entries from ")
    assert text.endswith("1 older entries predate the chain and are not covered.")
