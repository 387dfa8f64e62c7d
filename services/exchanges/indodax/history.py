"""transHistory: deposits and withdrawals, at most 7 days per request, paged backwards in windows."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from typing import TypeVar

from services.exchanges.models import Deposit, Transfer

from . import schemas
from .constants import TRANS_HISTORY_MAX_DAYS, TRANS_HISTORY_MAX_RECORDS
from .convert import transfer_status, when

# Indodax counts days in Jakarta time (WIB, no daylight saving)
WIB = timezone(timedelta(hours=7), "WIB")
DATE_FORMAT = "%Y-%m-%d"

T = TypeVar("T", bound=Transfer)
Window = tuple[date, date]
log = logging.getLogger(__name__)


def today() -> date:
    return datetime.now(WIB).date()


def windows(since: datetime | None, last_day: date) -> list[tuple[date, date] | None]:
    """Date ranges, newest first, covering ``since`` up to ``last_day``; [None] asks for the server's
    default (the last 7 days). Each range spans at most 7 days, start before end."""
    if since is None:
        return [None]
    first = since.astimezone(WIB).date()
    found: list[tuple[date, date] | None] = []
    end = last_day
    while True:
        start = max(first, end - timedelta(days=TRANS_HISTORY_MAX_DAYS - 1))
        start = min(start, end - timedelta(days=1))
        found.append((start, end))
        if start <= first:
            return found
        end = start - timedelta(days=1)


def older_part(window: Window | None, page: schemas.TransHistory) -> Window | None:
    """What is left to read of ``window`` after ``page``: "Max limit per fetch is 500 records (per
    deposit coin, withdraw coin, ...)", "Order descending by submit_time", so a list that came back full
    may have older records, up to the day of its oldest one (read again: that day may hold more)."""
    start, end = window or (today() - timedelta(days=TRANS_HISTORY_MAX_DAYS), today())
    full = [
        rows
        for groups in (page.deposit, page.withdraw)
        for rows in groups.values()
        if len(rows) >= TRANS_HISTORY_MAX_RECORDS
    ]
    if not full:
        return None
    cut = max(min(_day(row, end) for row in rows) for rows in full)
    if cut >= end:
        log.warning(
            "indodax transHistory: over %d records on %s; older ones are out of reach", len(full[0]), end
        )
        return None
    return min(start, cut - timedelta(days=1)), cut


def _day(row: schemas.TransferRaw, default: date) -> date:
    seconds = row.submit_time or row.success_time
    return datetime.fromtimestamp(seconds, WIB).date() if seconds else default


def window_params(window: tuple[date, date] | None) -> list[tuple[str, str]]:
    if window is None:
        return []
    start, end = window
    return [("start", start.strftime(DATE_FORMAT)), ("end", end.strftime(DATE_FORMAT))]


def transfers(
    cls: type[T],
    groups: dict[str, list[schemas.TransferRaw]],
    asset: str | None,
) -> list[T]:
    id_field = "deposit_id" if cls is Deposit else "withdraw_id"
    found = []
    for currency, rows in groups.items():
        if asset is not None and currency.lower() != asset.lower():
            continue
        for raw in rows:
            ident = getattr(raw, id_field)
            found.append(
                cls(
                    id=str(ident if ident is not None else raw.tx or ""),
                    asset=currency.upper(),
                    amount=raw.amount,
                    fee=raw.fee,
                    status=transfer_status(raw.status),
                    txid=raw.tx or None,
                    timestamp=when(raw.submit_time or raw.success_time),
                    updated=when(raw.success_time),
                    raw_status=raw.status,
                )
            )
    return found


def merge(pages: list[list[T]], since: datetime | None, limit: int | None) -> list[T]:
    """Newest first, each transfer once (windows may overlap), none before ``since``."""
    seen: dict[tuple[str, str], T] = {}
    for page in pages:
        for t in page:
            seen.setdefault((t.asset, t.id), t)
    epoch = datetime.fromtimestamp(0, WIB)
    ordered = sorted(seen.values(), key=lambda t: t.timestamp or epoch, reverse=True)
    if since is not None:
        ordered = [t for t in ordered if t.timestamp is None or t.timestamp >= since]
    return ordered[:limit] if limit is not None else ordered
