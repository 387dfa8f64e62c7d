"""The team's audit log is a hash chain on real Redis: an edited, removed or cut-off entry is found and
named, concurrent appends from two clients never fork it, trimming keeps it checkable, and an export
round-trips through the offline verifier."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from redis.asyncio import Redis

from services.audit import AuditLog
from services.audit_chain import ChainBreak, entry_hash
from services.audit_csv import export_csv
from services.audit_verify import verify_file
from services.redis_client import Keys, create_redis
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.integration

ALICE, CAROL = 1001, 1004


async def _log_of(audit: AuditLog, count: int) -> list[str]:
    return [
        await audit.record(CAROL, "order.preview", {"account": "iqfinex-main", "n": n}) for n in range(count)
    ]


async def _rewrite(redis: Redis, keys: Keys, entry_id: str, **changed: str) -> None:
    """What someone with access to Redis would have to do to edit an entry: streams cannot be edited
    in place, so the whole stream is written again with the same ids."""
    entries = await redis.xrange(keys("audit"))
    await redis.delete(keys("audit"))
    for stream_id, fields in entries:
        await redis.xadd(
            keys("audit"), {**fields, **changed} if stream_id == entry_id else fields, id=stream_id
        )


async def _verifier(path: Path, *options: str) -> tuple[int, str]:
    """Runs the offline verifier as an auditor would: its exit status and what it printed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.audit_verify",
        str(path),
        *options,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    return await process.wait(), out.decode()


async def test_an_untouched_log_verifies(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys)
    ids = await _log_of(audit, 5)
    check = await audit.verify()
    assert check.report.intact and check.report.count == 5
    assert check.report.first is not None and check.report.last is not None
    assert (check.report.first.entry_id, check.report.last.entry_id) == (ids[0], ids[-1])
    assert check.report.first.prev_hash == check.window.start  # the anchor recorded when the log began


async def test_an_edited_entry_is_found_and_named(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys)
    ids = await _log_of(audit, 5)
    await _rewrite(redis, keys, ids[2], details='{"account":"iqfinex-main","n":200}')
    report = (await audit.verify()).report
    assert report.problem is ChainBreak.CHANGED
    assert report.broken is not None and report.broken.entry_id == ids[2]


async def test_an_edit_with_its_hash_recomputed_breaks_the_link_to_the_next_entry(
    redis: Redis, keys: Keys
) -> None:
    audit = AuditLog(redis, keys)
    ids = await _log_of(audit, 5)
    [(_, fields)] = await redis.xrange(keys("audit"), min=ids[2], max=ids[2])
    details = '{"account":"iqfinex-main","n":200}'
    digest = entry_hash(ids[2], fields["time"], CAROL, fields["action"], details, fields["prev"])
    await _rewrite(redis, keys, ids[2], details=details, hash=digest)
    report = (await audit.verify()).report
    # the forged entry is consistent in itself; the one after it no longer follows it
    assert report.problem is ChainBreak.GAP
    assert report.broken is not None and report.broken.entry_id == ids[3]


async def test_an_entry_removed_in_the_middle_is_found_and_named(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys)
    ids = await _log_of(audit, 5)
    await redis.xdel(keys("audit"), ids[2])
    report = (await audit.verify()).report
    assert report.problem is ChainBreak.GAP
    # named by the entry that no longer follows the one before it, and the last one that checked out
    assert report.broken is not None and report.broken.entry_id == ids[3]
    assert report.last is not None and report.last.entry_id == ids[1]


async def test_removing_the_oldest_or_the_newest_entry_is_found(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys)
    ids = await _log_of(audit, 5)
    await redis.xdel(keys("audit"), ids[0])
    assert (await audit.verify()).report.problem is ChainBreak.ANCHOR

    other = AuditLog(redis, Keys(keys.prefix + "x"))
    ids = await _log_of(other, 5)
    await redis.xdel(keys.prefix + "x:audit", ids[-1])
    report = (await other.verify()).report
    assert report.problem is ChainBreak.HEAD
    assert report.broken is not None and report.broken.entry_id == ids[-2]
    await redis.delete(*[key async for key in redis.scan_iter(match=f"{keys.prefix}x:*")])


async def test_concurrent_appends_from_two_clients_make_one_unbroken_chain(redis: Redis, keys: Keys) -> None:
    second = create_redis(REDIS_URL)
    try:
        first_copy, second_copy = AuditLog(redis, keys), AuditLog(second, keys)
        appends = [
            (first_copy if n % 2 else second_copy).record(CAROL, "order.confirm", {"n": n}) for n in range(50)
        ]
        ids = await asyncio.gather(*appends)
    finally:
        await second.aclose()
    check = await AuditLog(redis, keys).verify()
    assert check.report.intact and check.report.count == 50
    assert sorted(ids) == sorted(link.entry_id for link in check.window.links)
    assert sorted(link.details for link in check.window.links) == sorted(f'{{"n":{n}}}' for n in range(50))


async def test_a_trimmed_log_verifies_from_its_checkpoint(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys, max_entries=10)
    ids = await _log_of(audit, 30)
    check = await audit.verify()
    assert check.report.intact
    kept = check.window.links
    assert len(kept) == 10 and kept[-1].entry_id == ids[-1]
    assert check.window.trimmed == 20
    # the oldest kept entry starts from the hash of the newest trimmed one, recorded as the checkpoint
    assert kept[0].prev_hash == check.window.start
    await redis.xdel(keys("audit"), kept[0].entry_id)
    assert (await audit.verify()).report.problem is ChainBreak.ANCHOR


async def test_the_log_filters_by_account(redis: Redis, keys: Keys) -> None:
    audit = AuditLog(redis, keys)
    await audit.record(CAROL, "order.preview", {"account": "iqfinex-main"})
    await audit.record(CAROL, "order.preview", {"account": "indodax-main"})
    await audit.record(ALICE, "lang.set", {"language": "ru"})
    [entry] = await audit.latest(account="indodax-main")
    assert entry.details == {"account": "indodax-main"}


async def test_an_export_round_trips_through_the_verifier(redis: Redis, keys: Keys, tmp_path: Path) -> None:
    audit = AuditLog(redis, keys)
    await _log_of(audit, 5)
    await audit.record(ALICE, "lang.set", {"note": 'quotes " and, commas\nand lines — привет'})
    window = await audit.window()
    path = tmp_path / "audit.csv"
    path.write_bytes(export_csv(window.links, {CAROL: "carol"}))
    report = verify_file(path, anchor=window.start, head=window.head)
    assert report.intact and report.count == 6

    status, out = await _verifier(path, "--head", window.head)
    assert status == 0, out
    assert out.startswith("chain intact: 6 entries from ")


async def test_the_verifier_names_the_row_edited_in_an_export(
    redis: Redis, keys: Keys, tmp_path: Path
) -> None:
    audit = AuditLog(redis, keys)
    ids = await _log_of(audit, 5)
    text = export_csv((await audit.window()).links, {}).decode()
    path = tmp_path / "audit.csv"
    path.write_text(text.replace('"n"":3}', '"n"":30}'), encoding="utf-8")
    status, out = await _verifier(path)
    assert status == 1
    assert out.startswith(f"chain broken at entry {ids[3]} ")
    assert "it was changed" in out


async def test_entries_from_before_the_chain_are_counted_apart(redis: Redis, keys: Keys) -> None:
    # a log written by an earlier version of the bot: plain entries without hashes
    for _ in range(2):
        fields = {
            "time": "2026-01-01T00:00:00+00:00",
            "actor": str(ALICE),
            "action": "lang.set",
            "details": "{}",
        }
        await redis.xadd(keys("audit"), fields)
    audit = AuditLog(redis, keys)
    await _log_of(audit, 3)
    report = (await audit.verify()).report
    assert report.intact and (report.count, report.unchained) == (3, 2)
