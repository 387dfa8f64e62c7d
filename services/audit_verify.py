"""Checks an audit export offline: python -m services.audit_verify FILE.csv [--anchor HASH] [--head HASH]

Recomputes every entry's hash and its link to the one before. Without options it proves that between
the first and the last row nothing was changed, removed, inserted or reordered. --anchor (the hash the
oldest row must start from) and --head (the newest hash), as `/audit verify` shows them, also prove
that nothing was cut off at either end. Exit status 0 when intact, 1 when broken, 2 for an unreadable
file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.audit_chain import ChainBreak, ChainReport, verify_chain
from services.audit_csv import BadExport, read_csv

_PROBLEMS = {
    ChainBreak.CHANGED: "its content does not match its hash: it was changed",
    ChainBreak.GAP: "it does not follow the entry before it: an entry in between was removed or changed",
    ChainBreak.ANCHOR: "it does not start from the given anchor: older entries were removed or changed",
    ChainBreak.HEAD: "it is not the given head: newer entries were removed",
}


def verify_file(path: Path, *, anchor: str | None = None, head: str | None = None) -> ChainReport:
    """The chain of an exported file; raises BadExport if it is not one."""
    return verify_chain(read_csv(path.read_text(encoding="utf-8")), anchor=anchor, head=head)


def describe(report: ChainReport) -> str:
    if report.problem is not None:
        if report.broken is None:
            return "chain broken: no entries, yet a head was given: every entry was removed"
        entry = report.broken
        where = f"{entry.entry_id} ({entry.time}, {entry.action})"
        return f"chain broken at entry {where}: {_PROBLEMS[report.problem]}"
    if report.first is None or report.last is None:
        return "no chained entries"
    text = (
        f"chain intact: {report.count} entries from {report.first.entry_id} ({report.first.time})"
        f" to {report.last.entry_id} ({report.last.time}); starts from {report.first.prev_hash},"
        f" ends at {report.last.hash}"
    )
    if report.unchained:
        text += f"; {report.unchained} older entries predate the chain and are not covered"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.audit_verify", description=__doc__)
    parser.add_argument("file", type=Path, help="the CSV document /audit export sent")
    parser.add_argument("--anchor", help="the hash the oldest row must start from")
    parser.add_argument("--head", help="the hash the newest row must have")
    args = parser.parse_args(argv)
    try:
        report = verify_file(args.file, anchor=args.anchor, head=args.head)
    except (OSError, UnicodeDecodeError, BadExport) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    print(describe(report))
    return 0 if report.intact else 1


if __name__ == "__main__":
    sys.exit(main())
