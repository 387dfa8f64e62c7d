"""Append-only audit log on Redis streams: the team's actions, and apart from them, strangers' attempts."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from redis.typing import EncodableT, FieldT

from services.redis_client import Keys

# The streams are trimmed approximately (MAXLEN ~), which lets Redis drop whole
# macro-nodes instead of rewriting on every XADD.
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
    """Who did what and when. Details must be JSON-serialisable and must never contain secrets.

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
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._key = keys("audit")
        self._strangers_key = keys("audit", "strangers")
        self._kinds_key = keys("audit", "kinds")
        self._max_entries = max_entries
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
        """Append one entry about a team member and return its stream id."""
        moment = now or datetime.now(UTC)
        fields: dict[FieldT, EncodableT] = {
            "time": moment.isoformat(),
            "actor": str(actor_id),
            "action": action,
            "details": _dump(details),
        }
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(self._key, fields, maxlen=self._max_entries, approximate=True)
            pipe.sadd(self._kinds_key, action)  # the kinds /audit can filter by
            entry_id, _ = await pipe.execute()
        return str(entry_id)

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
                _dump(details),
            ],
        )
        return int(count)

    async def latest(
        self, count: int = 20, *, actor_id: int | None = None, action: str | None = None
    ) -> list[AuditEntry]:
        """The team's newest entries first, of one member and/or of one kind if asked."""

        def wanted(entry: AuditEntry) -> bool:
            return (actor_id is None or entry.actor_id == actor_id) and (
                action is None or entry.action == action
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


def _dump(details: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(details or {}), ensure_ascii=False, default=str)


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
