"""Who is in the team and what each member may do."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum


class Role(IntEnum):
    """Roles are ordered: each one includes everything the lower ones may do."""

    VIEWER = 10
    TRADER = 20
    APPROVER = 30
    ADMIN = 40

    @classmethod
    def from_name(cls, name: str) -> Role:
        """Parse a role as operators write it in the config ("viewer", "admin", ...)."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"must be one of {', '.join(cls.names())}") from None

    @classmethod
    def names(cls) -> list[str]:
        return [role.name.lower() for role in cls]

    @property
    def label(self) -> str:
        """The config spelling of the role, which is also what logs and the audit log use."""
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class TeamMember:
    telegram_id: int
    name: str
    role: Role

    def can(self, required: Role) -> bool:
        return self.role >= required


class TeamDirectory:
    """Read-only lookup of team members by Telegram user id."""

    def __init__(self, members: Iterable[TeamMember]) -> None:
        self._by_id: dict[int, TeamMember] = {}
        for member in members:
            if member.telegram_id in self._by_id:
                raise ValueError(f"telegram_id {member.telegram_id} appears twice in the team")
            self._by_id[member.telegram_id] = member

    def get(self, telegram_id: int) -> TeamMember | None:
        return self._by_id.get(telegram_id)

    def __iter__(self) -> Iterator[TeamMember]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, telegram_id: object) -> bool:
        return telegram_id in self._by_id
