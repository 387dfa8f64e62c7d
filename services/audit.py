"""Append-only audit log on a Redis stream."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from redis.typing import EncodableT, FieldT

from services.redis_client import Keys

# The stream is trimmed approximately (MAXLEN ~), which lets Redis drop whole
# macro-nodes instead of rewriting on every XADD.
DEFAULT_MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class AuditEntry:
    entry_id: str
    time: datetime
    actor_id: int
    action: str
    details: dict[str, Any] = field(default_factory=dict)


class AuditLog:
    """Who did what and when. Details must be JSON-serialisable and must never contain secrets."""

    def __init__(self, redis: Redis, keys: Keys, *, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._redis = redis
        self._key = keys("audit")
        self._max_entries = max_entries

    async def record(
        self,
        actor_id: int,
        action: str,
        details: Mapping[str, Any] | None = None,
        *,
        now: datetime | None = None,
    ) -> str:
        """Append one entry and return its stream id."""
        moment = now or datetime.now(UTC)
        fields: dict[FieldT, EncodableT] = {
            "time": moment.isoformat(),
            "actor": str(actor_id),
            "action": action,
            "details": json.dumps(dict(details or {}), ensure_ascii=False, default=str),
        }
        entry_id: str = await self._redis.xadd(self._key, fields, maxlen=self._max_entries, approximate=True)
        return entry_id

    async def latest(self, count: int = 20) -> list[AuditEntry]:
        """The newest entries first."""
        raw = await self._redis.xrevrange(self._key, count=count)
        return [_parse(entry_id, fields) for entry_id, fields in raw]


def _parse(entry_id: str, fields: Mapping[str, str]) -> AuditEntry:
    details = json.loads(fields.get("details") or "{}")
    return AuditEntry(
        entry_id=entry_id,
        time=datetime.fromisoformat(fields["time"]),
        actor_id=int(fields["actor"]),
        action=fields["action"],
        details=details if isinstance(details, dict) else {"value": details},
    )
