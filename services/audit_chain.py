"""The audit log's hash chain: what an entry's hash covers, and how a run of entries is checked.

Plain functions over plain values, shared by the bot (`/audit verify`) and the offline verifier of an
export (`python -m services.audit_verify`), so both prove exactly the same thing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

# mixed into the anchor so it can never be mistaken for the hash of an entry
_ANCHOR_LABEL = "chatops-audit-anchor"


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One entry exactly as stored: every field the hash covers, and the hashes themselves."""

    entry_id: str
    time: str  # ISO 8601 in UTC
    actor_id: int
    action: str
    details: str  # canonical JSON text (see canonical_details)
    prev_hash: str  # "" for an entry recorded before the log was chained
    hash: str


def canonical_details(details: Mapping[str, Any] | None) -> str:
    """One spelling per value, so the text an export carries hashes the same everywhere."""
    return json.dumps(
        dict(details or {}), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


def entry_hash(entry_id: str, time: str, actor_id: int, action: str, details: str, prev_hash: str) -> str:
    """SHA-256 of the entry's fields and the previous entry's hash, serialised as a JSON array."""
    canonical = json.dumps(
        [entry_id, time, actor_id, action, details, prev_hash], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_hash(link: ChainLink) -> str:
    return entry_hash(link.entry_id, link.time, link.actor_id, link.action, link.details, link.prev_hash)


def anchor_hash(prefix: str, created: str) -> str:
    """What the very first entry of a log counts as its previous hash."""
    return hashlib.sha256(f"{_ANCHOR_LABEL}\n{prefix}\n{created}".encode()).hexdigest()


class ChainBreak(Enum):
    CHANGED = "changed"  # the entry does not hash to its own hash: it was edited
    GAP = "gap"  # it does not follow the entry before it: one between them was removed or replaced
    ANCHOR = "anchor"  # the oldest entry does not start from the expected anchor: older ones were removed
    HEAD = "head"  # the newest entry is not the chain's head: newer ones were removed


@dataclass(frozen=True, slots=True)
class ChainReport:
    count: int  # chained entries checked up to the break, or all of them
    first: ChainLink | None
    last: ChainLink | None  # the last entry that checked out
    broken: ChainLink | None = None  # the first entry that did not (HEAD: the newest one kept)
    problem: ChainBreak | None = None
    unchained: int = 0  # leading entries recorded before the log was chained: not covered

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_chain(
    links: Iterable[ChainLink], *, anchor: str | None = None, head: str | None = None
) -> ChainReport:
    """Recompute every hash in order. `anchor`: what the oldest entry's previous hash must be (the
    log's anchor, or the checkpoint of the trimmed entries); `head`: what the newest entry's hash must
    be. Without them the first entry's previous hash is taken on trust and the end is not checked."""
    expected, count, unchained = anchor, 0, 0
    first: ChainLink | None = None
    last: ChainLink | None = None

    def broken(link: ChainLink | None, problem: ChainBreak) -> ChainReport:
        return ChainReport(count, first, last, link, problem, unchained)

    for link in links:
        if first is None and not link.hash:
            unchained += 1  # only at the start: the log was chained from some entry on
            continue
        if link_hash(link) != link.hash:
            return broken(link, ChainBreak.CHANGED)
        if expected is not None and link.prev_hash != expected:
            return broken(link, ChainBreak.GAP if first else ChainBreak.ANCHOR)
        first = first or link
        last, expected, count = link, link.hash, count + 1
    if head is not None and (last.hash if last else "") != head:
        return broken(last, ChainBreak.HEAD)
    return ChainReport(count, first, last, unchained=unchained)
