"""Append-only audit log on Redis streams: the team's actions, and apart from them, strangers' attempts.

The team's stream is a hash chain (services/audit_chain.py): each entry carries the hash of the one
before, the first the hash of an anchor recorded when the log began, so `/audit verify` and anyone
holding an export can tell an edited or removed entry. Strangers' entries are replaced as their count
rises, so their stream is not chained.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from services.audit_chain import (
    ChainLink,
    ChainReport,
    anchor_hash,
    canonical_details,
    entry_hash,
    verify_chain,
)
from services.exchanges.redaction import Redactor
from services.redis_client import Keys

DEFAULT_MAX_ENTRIES = 10_000
# One entry per stranger per window: a thousand strangers' worth is plenty to see a pattern.
DEFAULT_MAX_STRANGER_ENTRIES = 1_000
UNAUTHORIZED = "unauthorized"
# entries read per round trip when a filter skips most of them
_SCAN_BATCH = 200

# One step for a stranger's attempt: the first of a window adds an entry, the next ones replace it
# with the count raised, so a flood of messages costs one entry per stranger per window.
_STRANGER_ATTEMPT = """
local previous = redis.call('HMGET', KEYS[1], 'entry', 'count', 'since')
local count, since = 1, ARGV[3]
if previous[1] then
  count = tonumber(previous[2]) + 1
  since = previous[3]
  redis.call('XDEL', KEYS[2], previous[1])
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*',
  'time', ARGV[3], 'actor', ARGV[4], 'action', ARGV[5], 'details', ARGV[6],
  'count', count, 'since', since)
redis.call('HSET', KEYS[1], 'entry', id, 'count', count, 'since', since)
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""

# Compare-and-append: the entry (its id and hash computed by the caller from the head it read) is
# added only if the head is still what the caller read; else the current head comes back and the
# caller recomputes. Two copies of the bot appending at once therefore never fork the chain.
# Trimming happens here too, so the hash of the newest trimmed entry is kept as the checkpoint the
# oldest kept entry must start from.
_APPEND = """
local head = redis.call('HMGET', KEYS[2], 'hash', 'id')
if (head[1] or '') ~= ARGV[1] then
  return {0, head[1] or '', head[2] or ''}
end
redis.call('XADD', KEYS[1], ARGV[2], 'time', ARGV[3], 'actor', ARGV[4], 'action', ARGV[5],
  'details', ARGV[6], 'prev', ARGV[7], 'hash', ARGV[8])
redis.call('HSET', KEYS[2], 'hash', ARGV[8], 'id', ARGV[2])
if ARGV[1] == '' then
  redis.call('HSET', KEYS[2], 'created', ARGV[11])
end
redis.call('SADD', KEYS[3], ARGV[5])
local max = tonumber(ARGV[9])
local excess = redis.call('XLEN', KEYS[1]) - max
if excess >= tonumber(ARGV[10]) then
  local gone = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess)
  local newest = gone[#gone]
  for i = 1, #newest[2], 2 do
    if newest[2][i] == 'hash' then
      redis.call('HSET', KEYS[2], 'checkpoint', newest[2][i + 1], 'checkpoint_id', newest[1])
    end
  end
  redis.call('HINCRBY', KEYS[2], 'trimmed', #gone)
  redis.call('XTRIM', KEYS[1], 'MAXLEN', max)
end
return {1, ARGV[8], ARGV[2]}
"""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    entry_id: str
    time: datetime
    actor_id: int
    action: str
    details: dict[str, Any] = field(default_factory=dict)
    # a stranger's entry stands for `count` attempts, the first at `since`
    count: int = 1
    since: datetime | None = None


class AuditLog:
    """Who did what and when. Details must be JSON-serialisable and must never contain secrets (the
    ones given are masked all the same).

    Strangers are kept in a stream of their own, so however many there are, they never push
    the team's entries out.
    """

    def __init__(
        self,
        redis: Redis,
        keys: Keys,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_stranger_entries: int = DEFAULT_MAX_STRANGER_ENTRIES,
        secrets: Iterable[str] = (),
    ) -> None:
        self._redis = redis
        # the last line of defence: a credential that slipped into details (an error text echoing a
        # signed URL, say) is masked before it is hashed into the chain, where it could never be removed
        self._redactor = Redactor(secrets)
        self._keys = keys
        self._key = keys("audit")
        self._strangers_key = keys("audit", "strangers")
        self._kinds_key = keys("audit", "kinds")
        self._head_key = keys("audit", "head")
        self._max_entries = max_entries
        # trimmed in batches, so the entries to drop are read once per batch, not on every append
        self._trim_slack = max(1, max_entries // 100)
        # the chain's head as this copy last saw it: right unless another copy appended since
        self._head = ("", "")
        self._append = redis.register_script(_APPEND)
        self._max_stranger_entries = max_stranger_entries
        self._stranger_attempt = redis.register_script(_STRANGER_ATTEMPT)

    async def record(
        self,
        actor_id: int,
        action: str,
        details: Mapping[str, Any] | None = None,
        *,
        now: datetime | None = None,
    ) -> str:
        """Append one entry about a team member to the chain and return its stream id."""
        moment = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
        body = self._details_text(details)
        expected, after = self._head
        while True:
            if not expected:
                after = await self._newest_id()  # entries from before the chain, if any, stay older
            created = "" if expected else datetime.now(UTC).isoformat()
            prev = expected or anchor_hash(self._keys.prefix, created)
            # the id is chosen here, not by Redis, so that the hash covers it
            entry_id = _next_id(after, time.time_ns() // 1_000_000)
            digest = entry_hash(entry_id, moment, actor_id, action, body, prev)
            added, head_hash, head_id = await self._append(
                keys=[self._key, self._head_key, self._kinds_key],
                args=[
                    expected,
                    entry_id,
                    moment,
                    actor_id,
                    action,
                    body,
                    prev,
                    digest,
                    self._max_entries,
                    self._trim_slack,
                    created,
                ],
            )
            # a refusal means another append won the race: it costs one more round trip, not a fork
            self._head = expected, after = str(head_hash), str(head_id)
            if int(added):
                return entry_id

    async def window(self) -> AuditWindow:
        """Every kept entry of the team's log, oldest first, with what the chain must start and end at,
        read in one transaction so no append or trim falls in between."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(self._head_key)
            pipe.xrange(self._key)
            head, raw = await pipe.execute()
        checkpoint, created = head.get("checkpoint", ""), head.get("created", "")
        return AuditWindow(
            links=[_link(entry_id, fields) for entry_id, fields in raw],
            head=head.get("hash", ""),
            start=checkpoint or (anchor_hash(self._keys.prefix, created) if created else ""),
            trimmed=int(head.get("trimmed", 0)) if checkpoint else 0,
        )

    async def verify(self) -> AuditCheck:
        window = await self.window()
        return AuditCheck(window.verify(), window)

    def _details_text(self, details: Mapping[str, Any] | None) -> str:
        return self._redactor.text(canonical_details(details))

    async def _newest_id(self) -> str:
        newest = await self._redis.xrevrange(self._key, count=1)
        return str(newest[0][0]) if newest else ""

    async def record_stranger(
        self,
        actor_id: int,
        details: Mapping[str, Any],
        *,
        window_s: int,
        now: datetime | None = None,
    ) -> int:
        """Count one attempt by someone outside the team; returns its number within the window
        (1 for the first, which is when they deserve an answer)."""
        moment = now or datetime.now(UTC)
        count = await self._stranger_attempt(
            keys=[self._keys("audit", "stranger", actor_id), self._strangers_key],
            args=[
                window_s,
                self._max_stranger_entries,
                moment.isoformat(),
                actor_id,
                UNAUTHORIZED,
                self._details_text(details),
            ],
        )
        return int(count)

    async def latest(
        self,
        count: int = 20,
        *,
        actor_id: int | None = None,
        action: str | None = None,
        account: str | None = None,
    ) -> list[AuditEntry]:
        """The team's newest entries first, of one member, one kind and/or one account if asked."""

        def wanted(entry: AuditEntry) -> bool:
            return (
                (actor_id is None or entry.actor_id == actor_id)
                and (action is None or entry.action == action)
                and (account is None or entry.details.get("account") == account)
            )

        return await self._newest(self._key, count, wanted)

    async def strangers(self, count: int = 20) -> list[AuditEntry]:
        """Strangers' newest attempts first: one entry per stranger per window, with its count."""
        return await self._newest(self._strangers_key, count, lambda entry: True)

    async def kinds(self) -> list[str]:
        """Every action the team's log has recorded, sorted."""
        return sorted(await self._redis.smembers(self._kinds_key))  # type: ignore[misc]

    async def _newest(self, key: str, count: int, wanted: Callable[[AuditEntry], bool]) -> list[AuditEntry]:
        found: list[AuditEntry] = []
        before = "+"
        while len(found) < count:
            batch = await self._redis.xrevrange(key, max=before, count=max(count, _SCAN_BATCH))
            found += [entry for entry in (_parse(i, f) for i, f in batch) if wanted(entry)]
            if len(batch) < max(count, _SCAN_BATCH):
                break
            before = "(" + batch[-1][0]  # exclusive: the next batch starts after the last one read
        return found[:count]


@dataclass(frozen=True, slots=True)
class AuditWindow:
    """What is kept of the team's log: the entries, and what their chain must start and end at."""

    links: list[ChainLink]
    head: str  # hash of the newest entry appended; "" before the first
    # what the oldest kept entry's previous hash must be: the anchor of the log, or once entries were
    # trimmed, the checkpoint (hash of the newest trimmed one); "" before the first entry
    start: str
    trimmed: int  # entries trimmed before the window

    def verify(self) -> ChainReport:
        return verify_chain(self.links, anchor=self.start or None, head=self.head or None)


@dataclass(frozen=True, slots=True)
class AuditCheck:
    report: ChainReport
    window: AuditWindow


def _next_id(after: str, now_ms: int) -> str:
    """A stream id after `after`: the clock's millisecond, or the same one with the next sequence if
    the clock is behind (another copy's clock, or several appends within one millisecond)."""
    if not after:
        return f"{now_ms}-0"
    ms, seq = (int(part) for part in after.split("-"))
    return f"{now_ms}-0" if now_ms > ms else f"{ms}-{seq + 1}"


def _link(entry_id: str, fields: Mapping[str, str]) -> ChainLink:
    return ChainLink(
        entry_id=entry_id,
        time=fields.get("time", ""),
        actor_id=int(fields.get("actor") or 0),
        action=fields.get("action", ""),
        details=fields.get("details", ""),
        prev_hash=fields.get("prev", ""),
        hash=fields.get("hash", ""),
    )


def _parse(entry_id: str, fields: Mapping[str, str]) -> AuditEntry:
    details = json.loads(fields.get("details") or "{}")
    since = fields.get("since")
    return AuditEntry(
        entry_id=entry_id,
        time=datetime.fromisoformat(fields["time"]),
        actor_id=int(fields["actor"]),
        action=fields["action"],
        details=details if isinstance(details, dict) else {"value": details},
        count=int(fields.get("count") or 1),
        since=datetime.fromisoformat(since) if since else None,
    )
