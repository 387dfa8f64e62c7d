"""An action as it is kept in Redis: who asked, in which chat, on which account, with exactly which
parameters, and where it stands."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from services.actions.states import ActionState


def wire_text(value: str | int | Decimal) -> str:
    """Parameters are kept as text; a Decimal positionally (never 1E-7), so the hash is stable."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def params_hash(params: Mapping[str, str]) -> str:
    canonical = json.dumps(dict(params), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    kind: str  # order, cancel, bid, withdrawal
    member_id: int
    chat_id: int
    account: str
    params: Mapping[str, str]
    state: ActionState
    created_at: float
    updated_at: float
    expires_at: float  # a pending action not confirmed by then expires
    idempotency_key: str = ""
    exchange_id: str = ""
    error: str = ""
    result: Mapping[str, str] = field(default_factory=dict)
    # an unknown action's possible matches at the exchange, for an admin to choose from; None until
    # a lookup left it to an admin
    candidates: tuple[Mapping[str, str], ...] | None = None
    # the admins have been told it is unknown; a copy that died before telling them leaves it False,
    # and the reconciler tells them then
    told: bool = False
    # the candidates (their digest) the admins were last asked to settle from
    asked: str = ""

    @property
    def params_hash(self) -> str:
        return params_hash(self.params)

    def to_redis(self) -> dict[str, str]:
        return {
            "id": self.id,
            "kind": self.kind,
            "member": str(self.member_id),
            "chat": str(self.chat_id),
            "account": self.account,
            "params": json.dumps(dict(self.params), ensure_ascii=False),
            "hash": self.params_hash,
            "state": self.state.value,
            "created": repr(self.created_at),
            "updated": repr(self.updated_at),
            "expires": repr(self.expires_at),
            "idem": self.idempotency_key,
            "exchange_id": self.exchange_id,
            "error": self.error,
            "result": json.dumps(dict(self.result), ensure_ascii=False),
            "candidates": "" if self.candidates is None else candidates_text(self.candidates),
            "told": "1" if self.told else "",
            "asked": self.asked,
        }

    @classmethod
    def from_redis(cls, raw: Mapping[str, str]) -> Action:
        return cls(
            id=raw["id"],
            kind=raw["kind"],
            member_id=int(raw["member"]),
            chat_id=int(raw["chat"]),
            account=raw["account"],
            params=dict(json.loads(raw["params"])),
            state=ActionState(raw["state"]),
            created_at=float(raw["created"]),
            updated_at=float(raw["updated"]),
            expires_at=float(raw["expires"]),
            idempotency_key=raw.get("idem", ""),
            exchange_id=raw.get("exchange_id", ""),
            error=raw.get("error", ""),
            result=dict(json.loads(raw.get("result") or "{}")),
            candidates=_candidates(raw.get("candidates", "")),
            told=raw.get("told") == "1",
            asked=raw.get("asked", ""),
        )


def _candidates(text: str) -> tuple[Mapping[str, str], ...] | None:
    return tuple(dict(c) for c in json.loads(text)) if text else None


def candidates_text(candidates: Sequence[Mapping[str, str]]) -> str:
    return json.dumps([dict(c) for c in candidates], ensure_ascii=False)


def candidates_digest(candidates: Sequence[Mapping[str, str]]) -> str:
    return hashlib.sha256(candidates_text(candidates).encode()).hexdigest()[:16]
