"""Amounts and times as the chat shows them, in the reader's locale (Babel). Decimal in, text out; never
through float.

Every function takes an optional ``locale``; without it, the locale of the update being handled (English
outside one), so jobs and other helpers' views can pass the recipient's locale explicitly.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation, Overflow, Underflow, localcontext
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent, format_scientific

MAX_PLACES = 8
SIGNIFICANT = 10
# Past this size digits stop being readable (and would need more precision than Decimal's default
# context has): such a value is shown with an exponent, 1.2346E26.
LARGE = Decimal("1e15")
SCIENTIFIC = "0.####E0"
# Enough digits to cut a value under LARGE to any places an exchange may declare.
_PRECISION = 80
# English keeps the ISO form the team knows from logs; other locales use their own short date and time.
_DATE_PATTERNS = {"en": "yyyy-MM-dd"}
_TIME_PATTERNS = {"en": "HH:mm"}
_TIME_PATTERNS_WITH_SECONDS = {"en": "HH:mm:ss"}


def current_locale() -> str:
    try:
        return get_i18n().current_locale
    except LookupError:  # outside an update: no I18n in context
        return "en"


def display_places(value: Decimal) -> int:
    """Places for an asset whose exchange does not say: about ten significant digits, 2 to 8 places
    (181144.32331381 -> 4 places, 0.00012345 -> 8)."""
    whole_digits = max(1, value.copy_abs().adjusted() + 1)
    return max(2, min(MAX_PLACES, SIGNIFICANT - whole_digits))


def _odd(value: Decimal, locale: str) -> str | None:
    """The text of a value that digits cannot show: not a number, infinite, or too large."""
    if value.is_nan():
        return "NaN"
    if value.is_infinite():
        return "-∞" if value.is_signed() else "∞"
    if value.copy_abs() >= LARGE:
        return format_scientific(value, format=SCIENTIFIC, locale=locale)
    return None


def amount(value: Decimal | None, places: int | None = None, locale: str | None = None) -> str:
    """Cut (not rounded up: never show more than there is) to the asset's places, grouped by thousands,
    trailing zeros dropped: 1234.5 -> "1,234.5" (ru "1 234,5"). A value too small for its places
    shows its exponent rather than a false zero."""
    if value is None:
        return "—"
    locale = locale or current_locale()
    odd = _odd(value, locale)
    if odd is not None:
        return odd
    if value.is_zero():
        return "0"  # -0 too
    places = display_places(value) if places is None else max(0, places)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        cut = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
        if cut.is_zero():
            return format_scientific(value, format=SCIENTIFIC, locale=locale)
        pattern = "#,##0." + "#" * places if places else "#,##0"
        return format_decimal(cut, format=pattern, locale=locale)


def money(value: Decimal | None, places: int = 2, locale: str | None = None) -> str:
    """A value in the quote currency, always with its places: 1234.5 -> "1,234.50" (ru "1 234,50")."""
    if value is None:
        return "—"
    locale = locale or current_locale()
    odd = _odd(value, locale)
    if odd is not None:
        return odd
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        cut = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return format_decimal(cut.copy_abs() if cut.is_zero() else cut, format=pattern, locale=locale)


def percent(value: Decimal | None, locale: str | None = None) -> str:
    """Signed, two places: +1.23% (ru "+1,23%")."""
    if value is None:
        return "—"
    locale = locale or current_locale()
    odd = _odd(value, locale)
    if odd is not None:
        return odd + "%"
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        shown = value.quantize(Decimal("0.01"))
        shown = shown.copy_abs() if shown.is_zero() else shown  # no "-0.00%"
        return format_percent(shown / 100, format="+#,##0.00%;-#,##0.00%", locale=locale)


def moment(value: datetime | None, tz: ZoneInfo, locale: str | None = None, *, seconds: bool = False) -> str:
    """Date and time in the reader's zone and locale: en "2026-01-01 19:00", ru "01.01.2026 19:00";
    with ``seconds`` (the audit log), en "2026-01-01 19:00:05", ru "01.01.2026 19:00:05"."""
    if value is None:
        return "—"
    locale = locale or current_locale()
    local = value.astimezone(tz)
    date = format_date(local, _DATE_PATTERNS.get(locale, "short"), locale=locale)
    if seconds:
        time_pattern = _TIME_PATTERNS_WITH_SECONDS.get(locale, "medium")
    else:
        time_pattern = _TIME_PATTERNS.get(locale, "short")
    return f"{date} {format_time(local, time_pattern, tzinfo=tz, locale=locale)}"


def share(part: Decimal, whole: Decimal, locale: str | None = None) -> str:
    """``part`` as a percentage of a positive ``whole``, one place: 12.3% (ru "12,3 %")."""
    locale = locale or current_locale()
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return format_percent(part / whole, format="#,##0.0%", locale=locale)


def quotient(a: Decimal, b: Decimal) -> Decimal | None:
    """a / b for display: None when b is zero, ±Infinity past what Decimal holds, never an exception."""
    if b.is_zero():
        return None
    with localcontext() as ctx:
        ctx.traps[Overflow] = ctx.traps[InvalidOperation] = ctx.traps[Underflow] = False
        return a / b
