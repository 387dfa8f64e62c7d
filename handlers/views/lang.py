from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.languages import LANGUAGE_NAMES


class LanguageChoice(CallbackData, prefix="lg"):
    code: str


def choose_language_text() -> str:
    return _("Choose your language:")


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        label = f"✓ {name}" if code == current else name
        builder.button(text=label, callback_data=LanguageChoice(code=code))
    builder.adjust(2)
    return builder.as_markup()


def language_set_text(code: str) -> str:
    return _("Language set: {language}.").format(language=LANGUAGE_NAMES[code])


def unknown_language_text() -> str:
    return _("This language is not available.")
