"""The team's audit log as a CSV document, and back: what `/audit export` sends and the verifier reads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from services.audit_chain import ChainLink

COLUMNS = ("id", "time", "actor_id", "actor_name", "action", "details", "prev_hash", "hash")


class BadExport(ValueError):
    """The file is not an audit export: a column is missing or a value cannot be read."""


def export_csv(links: Iterable[ChainLink], names: Mapping[int, str]) -> bytes:
    """One row per entry, oldest first. `actor_name` is today's name of the member with that id: it
    helps a reader and is not covered by the hash (the id is)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for link in links:
        writer.writerow(
            [
                link.entry_id,
                link.time,
                link.actor_id,
                names.get(link.actor_id, ""),
                link.action,
                link.details,
                link.prev_hash,
                link.hash,
            ]
        )
    return out.getvalue().encode()


def read_csv(text: str) -> list[ChainLink]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise BadExport(f"missing columns: {', '.join(missing)}")
    links = []
    for row in reader:
        try:
            actor_id = int(row["actor_id"])
        except (TypeError, ValueError):
            raise BadExport(f"line {reader.line_num}: actor_id is not a number") from None
        links.append(
            ChainLink(
                entry_id=row["id"],
                time=row["time"],
                actor_id=actor_id,
                action=row["action"],
                details=row["details"],
                prev_hash=row["prev_hash"],
                hash=row["hash"],
            )
        )
    return links
