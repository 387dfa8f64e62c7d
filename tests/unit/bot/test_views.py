from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.commands import commands_for
from handlers.views.audit import audit_text
from handlers.views.help import help_text
from handlers.views.lang import LanguageChoice, language_keyboard
from services.audit import AuditEntry
from services.team import Role, TeamDirectory, TeamMember

TEAM = TeamDirectory([TeamMember(1001, "alice", Role.ADMIN)])


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def _entry(actor: int, action: str, **details: object) -> AuditEntry:
    return AuditEntry("1-0", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), actor, action, dict(details))


def test_audit_entries_escape_user_supplied_text(i18n: I18n) -> None:
    with i18n.context():
        text = audit_text([_entry(666, "unauthorized", text="<b>hi</b> & <script>")], TEAM, ZoneInfo("UTC"))
    assert "<script>" not in text and "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;script&gt;" in text


def test_audit_entries_show_time_in_the_display_zone_and_member_names(i18n: I18n) -> None:
    with i18n.context():
        text = audit_text([_entry(1001, "lang.set", language="tr")], TEAM, ZoneInfo("Europe/Istanbul"))
    assert "<code>2026-01-02 06:04</code> <b>lang.set</b> alice (1001)" in text


def test_audit_message_stays_under_telegram_length_limit(i18n: I18n) -> None:
    entries = [_entry(9, "unauthorized", text="x" * 500, name="y" * 500) for _ in range(100)]
    with i18n.context():
        text = audit_text(entries, TEAM, ZoneInfo("UTC"))
    assert len(text) <= 4096
    assert text.endswith("…")


def test_empty_audit_log_is_said_in_the_users_language(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("tr"):
        assert audit_text([], TEAM, ZoneInfo("UTC")) == "Denetim kaydı boş."


def test_help_lists_the_given_commands(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("id"):
        text = help_text(commands_for(Role.VIEWER))
    assert text.splitlines()[0] == "Perintah yang tersedia untuk Anda:"
    assert "/lang — Pilih bahasa bot" in text
    assert "/audit" not in text


def test_language_keyboard_offers_the_four_languages_and_marks_the_current() -> None:
    markup = language_keyboard("ru")
    buttons = [button for row in markup.inline_keyboard for button in row]
    assert [b.text for b in buttons] == ["English", "✓ Русский", "Bahasa Indonesia", "Türkçe"]
    assert [LanguageChoice.unpack(b.callback_data or "").code for b in buttons] == ["en", "ru", "id", "tr"]
    assert all(len((b.callback_data or "").encode()) <= 64 for b in buttons)


def test_a_rate_limit_says_when_to_come_back(i18n: I18n) -> None:
    from handlers.views.exchange_errors import reason_text
    from services.exchanges.errors import LocalRateLimit, RateLimited

    with i18n.context(), i18n.use_locale("en"):
        assert (
            reason_text(LocalRateLimit("full", retry_after=41.2))
            == "request limit reached, try again in 42 s"
        )
        assert reason_text(RateLimited("429")) == "rate limited by the exchange, try again shortly"
