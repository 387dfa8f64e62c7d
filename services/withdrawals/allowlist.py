"""Addresses a team adds to its withdrawal allowlist from chat: an entry proposed by a member is usable
only once an admin other than the proposer has approved it, and only ``delay`` after that approval
(a stolen session cannot add an address and drain to it at once). Addresses pinned in the config are
usable at once and cannot be removed from chat."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

from services.redis_client import Keys

PENDING = "pending"
APPROVED = "approved"

# KEYS: the entry. ARGV: admin, now, usable_from. Pending -> approved, by an admin other than the proposer.
_APPROVE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 'gone' end
local entry = cjson.decode(raw)
if entry['state'] ~= 'pending' then return 'decided' end
if tostring(entry['added_by']) == ARGV[1] then return 'own' end
entry['state'] = 'approved'
entry['approved_by'] = tonumber(ARGV[1])
entry['approved_at'] = tonumber(ARGV[2])
entry['usable_from'] = tonumber(ARGV[3])
redis.call('SET', KEYS[1], cjson.encode(entry))
return 'approved'
"""


class EntryVote(StrEnum):
    APPROVED = "approved"
    OWN = "own"  # the proposer never approves their own address
    DECIDED = "decided"
    GONE = "gone"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    account: str
    asset: str
    address: str
    label: str
    added_by: int
    state: str
    usable_from: float | None = None
    approved_by: int | None = None

    def usable(self, now: float) -> bool:
        return self.state == APPROVED and self.usable_from is not None and self.usable_from <= now


class AlreadyListed(ValueError):
    pass


class AddressBook:
    def __init__(self, redis: Redis, keys: Keys, *, delay_s: float) -> None:
        self._redis = redis
        self._keys = keys
        self.delay_s = delay_s
        self._approve = redis.register_script(_APPROVE)

    def _entry_key(self, entry_id: str) -> str:
        return self._keys("wd-allow", "entry", entry_id)

    def _index_key(self, account: str, asset: str) -> str:
        """address -> entry id, per account and asset."""
        return self._keys("wd-allow", account, asset.upper())

    @property
    def _all_key(self) -> str:
        return self._keys("wd-allow", "all")

    async def propose(self, account: str, asset: str, address: str, label: str, member_id: int) -> Entry:
        """A pending entry; AlreadyListed when the address is listed for this account and asset."""
        entry = Entry(secrets.token_urlsafe(9), account, asset.upper(), address, label, member_id, PENDING)
        if not await self._redis.hsetnx(self._index_key(account, asset), address, entry.id):  # type: ignore[misc]
            raise AlreadyListed(address)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._entry_key(entry.id), json.dumps(_raw(entry)))
            pipe.sadd(self._all_key, entry.id)
            await pipe.execute()
        return entry

    async def get(self, entry_id: str) -> Entry | None:
        raw = await self._redis.get(self._entry_key(entry_id))
        return None if raw is None else _entry(entry_id, json.loads(raw))

    async def approve(self, entry_id: str, admin_id: int) -> EntryVote:
        now = time.time()
        keys = [self._entry_key(entry_id)]
        answer = await self._approve(keys=keys, args=[admin_id, repr(now), repr(now + self.delay_s)])
        return EntryVote(answer.decode() if isinstance(answer, bytes) else str(answer))

    async def remove(self, entry_id: str) -> Entry | None:
        """Removes an entry (a rejection, or /allowlist remove); None when there was none."""
        entry = await self.get(entry_id)
        if entry is None:
            return None
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._entry_key(entry_id))
            pipe.srem(self._all_key, entry_id)
            pipe.hdel(self._index_key(entry.account, entry.asset), entry.address)
            results = await pipe.execute()
        return entry if results[0] else None

    async def find(self, account: str, asset: str, address: str) -> Entry | None:
        entry_id = await self._redis.hget(self._index_key(account, asset), address)  # type: ignore[misc]
        return None if entry_id is None else await self.get(entry_id)

    async def listed(self, account: str, asset: str) -> list[Entry]:
        ids: dict[str, str] = await self._redis.hgetall(self._index_key(account, asset))  # type: ignore[misc]
        found = [await self.get(entry_id) for entry_id in ids.values()]
        return [entry for entry in found if entry is not None]

    async def entries(self) -> list[Entry]:
        ids: set[str] = await self._redis.smembers(self._all_key)  # type: ignore[misc]
        found = [await self.get(entry_id) for entry_id in sorted(ids)]
        return sorted(
            (entry for entry in found if entry is not None), key=lambda e: (e.account, e.asset, e.address)
        )


def _raw(entry: Entry) -> dict[str, object]:
    return {
        "account": entry.account,
        "asset": entry.asset,
        "address": entry.address,
        "label": entry.label,
        "added_by": entry.added_by,
        "state": entry.state,
    }


def _entry(entry_id: str, raw: dict[str, object]) -> Entry:
    usable_from = raw.get("usable_from")
    approved_by = raw.get("approved_by")
    return Entry(
        id=entry_id,
        account=str(raw["account"]),
        asset=str(raw["asset"]),
        address=str(raw["address"]),
        label=str(raw.get("label") or ""),
        added_by=int(str(raw["added_by"])),
        state=str(raw["state"]),
        usable_from=float(str(usable_from)) if usable_from is not None else None,
        approved_by=int(str(approved_by)) if approved_by is not None else None,
    )
