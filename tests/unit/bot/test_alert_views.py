"""The alert list: a member with the most alerts allowed still gets messages Telegram accepts."""

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.alerts import AlertCb, alerts_keyboard, alerts_text, condition_text, page_count
from services.alerts.conditions import NOTE_LIMIT, Condition, Kind, parse_condition
from services.alerts.store import Alert

TELEGRAM_TEXT_LIMIT = 4096


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def alert(n: int) -> Alert:
    condition = Condition(Kind.ABOVE, price=Decimal(n), repeat=True, cooldown_s=600, note="n" * NOTE_LIMIT)
    return Alert(n, 1001, "exchanger-premium-main", "BTC/USDT", condition, "paused", 0.0, 86400.0)


def test_a_hundred_alerts_with_long_notes_fit_in_pages(i18n: I18n) -> None:
    alerts = [alert(n) for n in range(1, 101)]
    with i18n.context():
        pages = [alerts_text(alerts, ZoneInfo("UTC"), page) for page in range(page_count(alerts))]
        keyboards = [alerts_keyboard(alerts, page) for page in range(page_count(alerts))]
    assert all(len(text) < TELEGRAM_TEXT_LIMIT for text in pages)
    assert all("#" + str(n) in "".join(pages) for n in range(1, 101))
    for keyboard in keyboards:
        assert keyboard is not None
        data = [b.callback_data or "" for row in keyboard.inline_keyboard for b in row]
        assert len(data) <= 22 and all(len(d.encode()) <= 64 for d in data)
    first = keyboards[0]
    assert first is not None
    assert AlertCb.unpack(first.inline_keyboard[-1][-1].callback_data or "").page == 1  # Next


@pytest.mark.parametrize("text", ["> 70000", "< 0.5", "x 65000", "+5% 1h", "-3% 15m"])
def test_a_condition_is_shown_the_way_it_is_written(i18n: I18n, text: str) -> None:
    with i18n.context(), i18n.use_locale("en"):
        shown = condition_text(parse_condition(text.split()))
    assert shown.replace("&gt;", ">").replace("&lt;", "<").replace(",", "") == text


def test_the_expiry_is_shown_as_a_moment_in_the_readers_zone(i18n: I18n) -> None:
    condition = Condition(Kind.BELOW, price=Decimal(100))
    # 2026-01-01 12:00 UTC
    expiring = Alert(
        3, 1001, "incorex-main", "BTC/USDT", condition, "armed", 1767268800.0 - 86400, 1767268800.0
    )
    with i18n.context(), i18n.use_locale("en"):
        line = alerts_text([expiring], ZoneInfo("Asia/Jakarta"))
    assert "expires 2026-01-01 19:00" in line
