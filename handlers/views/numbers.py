"""Amounts and times as the chat shows them. Decimal in, text out; never through float."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

MAX_PLACES = 8
SIGNIFICANT = 10


def display_places(value: Decimal) -> int:
    """Places for an asset whose exchange does not say: about ten significant digits, 2 to 8 places
    (181144.32331381 -> 4 places, 0.00012345 -> 8)."""
    whole_digits = max(1, value.copy_abs().adjusted() + 1)
    return max(2, min(MAX_PLACES, SIGNIFICANT - whole_digits))


def amount(value: Decimal | None, places: int | None = None) -> str:
    """Cut (not rounded up: never show more than there is) to the asset's places, grouped by thousands,
    trailing zeros dropped: 1234.5 -> "1,234.5"."""
    if value is None:
        return "—"
    places = display_places(value) if places is None else max(0, places)
    quantum = Decimal(1).scaleb(-places)
    cut = value.quantize(quantum, rounding=ROUND_DOWN)
    text = f"{cut:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money(value: Decimal | None, places: int = 2) -> str:
    """A value in the quote currency, always with its places: 1234.5 -> "1,234.50"."""
    if value is None:
        return "—"
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):,.{places}f}"


def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.quantize(Decimal('0.01')):+}%"


def moment(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return "—"
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
