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


def test_values_too_large_for_digits_show_an_exponent() -> None:
    assert amount(Decimal("1e26")) == "1E26"
    assert amount(Decimal("123456789e18")) == "1.2346E26"
    assert amount(Decimal("1e999")) == "1E999"
    assert money(Decimal("1e26")) == "1E26"
    assert percent(Decimal("1e30")) == "1E30%"
    assert percent(Decimal("-0.001")) == "+0.00%"


def test_values_digits_cannot_show_still_render() -> None:
    assert amount(Decimal("NaN")) == "NaN"
    assert amount(Decimal("-Infinity")) == "-∞"
    assert amount(Decimal("-0")) == "0"
    assert money(Decimal("-0")) == "0.00"
    assert amount(Decimal("1E-30")) == "1E-30"
    assert amount(Decimal("12345678901234.123456789"), 18) == "12,345,678,901,234.123456789"


def test_numbers_follow_the_readers_locale() -> None:
    assert money(Decimal("1186662.28"), locale="ru") == "1\xa0186\xa0662,28"
    assert money(Decimal("1186662.28"), locale="id") == "1.186.662,28"
    assert money(Decimal("1186662.28"), locale="tr") == "1.186.662,28"
    assert amount(Decimal("0.5"), locale="ru") == "0,5"
    assert percent(Decimal("1.234"), locale="tr") == "+1,23%"
    assert amount(Decimal("1e26"), locale="ru") == "1E26"
    assert amount(Decimal("1.5e26"), locale="ru") == "1,5E26"


def test_dates_follow_the_readers_locale() -> None:
    when = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    jakarta = ZoneInfo("Asia/Jakarta")
    assert moment(when, jakarta, locale="ru") == "01.01.2026 19:00"
    assert moment(when, jakarta, locale="tr") == "1.01.2026 19:00"
    assert moment(when, jakarta, locale="id") == "1/1/26 19.00"
    assert moment(when, jakarta, locale="en") == "2026-01-01 19:00"


def test_the_update_locale_is_used_when_none_is_given() -> None:
    from bot.i18n import build_i18n

    i18n = build_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        assert money(Decimal("1234.5")) == "1\xa0234,50"


def test_moments_can_carry_seconds_for_the_audit_log() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    istanbul = ZoneInfo("Europe/Istanbul")
    assert moment(when, istanbul, locale="en", seconds=True) == "2026-01-02 06:04:05"
    assert moment(when, istanbul, locale="ru", seconds=True) == "02.01.2026 06:04:05"
    assert moment(when, istanbul, locale="id", seconds=True) == "2/1/26 06.04.05"
    assert moment(when, istanbul, locale="tr", seconds=True) == "2.01.2026 06:04:05"


def test_a_rate_of_any_two_values_renders() -> None:
    from handlers.views.numbers import quotient

    assert amount(quotient(Decimal("90000"), Decimal("1"))) == "90,000"
    assert amount(quotient(Decimal("1"), Decimal("0"))) == "—"
    assert amount(quotient(Decimal("1e999999"), Decimal("1e-999999"))) == "∞"
    assert amount(quotient(Decimal("NaN"), Decimal("1"))) == "NaN"
