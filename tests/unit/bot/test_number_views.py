from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.views.numbers import amount, display_places, moment, money, percent


def test_amounts_are_cut_never_rounded_up() -> None:
    assert amount(Decimal("0.123456789"), 8) == "0.12345678"
    assert amount(Decimal("1.999"), 2) == "1.99"


def test_amounts_are_grouped_and_lose_trailing_zeros() -> None:
    assert amount(Decimal("1234567.5000"), 4) == "1,234,567.5"
    assert amount(Decimal("100"), 2) == "100"
    assert amount(Decimal("0"), 8) == "0"


def test_without_known_places_about_ten_significant_digits_show() -> None:
    assert display_places(Decimal("181144.32331381")) == 4
    assert display_places(Decimal("0.00012345")) == 8
    assert display_places(Decimal("2211553313.79")) == 2
    assert amount(Decimal("181144.32331381")) == "181,144.3233"


def test_money_keeps_its_places() -> None:
    assert money(Decimal("1234.5")) == "1,234.50"
    assert money(None) == "—"


def test_percent_is_signed() -> None:
    assert percent(Decimal("1.234")) == "+1.23%"
    assert percent(Decimal("-0.5")) == "-0.50%"


def test_moments_are_shown_in_the_users_zone() -> None:
    when = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert moment(when, ZoneInfo("Asia/Jakarta")) == "2026-01-01 19:00"
