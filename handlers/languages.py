"""The languages the bot speaks: what /lang offers, and what a reply may be written in."""

from __future__ import annotations

DEFAULT_LOCALE = "en"
# Order matters: it is the order of the /lang buttons.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ru": "Русский",
    "id": "Bahasa Indonesia",
    "tr": "Türkçe",
}
LOCALES = tuple(LANGUAGE_NAMES)
