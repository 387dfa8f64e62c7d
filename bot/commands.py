"""Registers the command menu with Telegram in every supported language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n

from handlers.commands import COMMANDS
from handlers.languages import DEFAULT_LOCALE, LOCALES


def localized_commands(i18n: I18n, locale: str) -> list[BotCommand]:
    with i18n.context(), i18n.use_locale(locale):
        return [BotCommand(command=info.name, description=str(info.description)) for info in COMMANDS]


async def register_commands(bot: Bot, i18n: I18n) -> None:
    """The default list is English; clients in Russian, Indonesian or Turkish get their own."""
    await bot.set_my_commands(localized_commands(i18n, DEFAULT_LOCALE))
    for locale in LOCALES:
        if locale != DEFAULT_LOCALE:
            await bot.set_my_commands(localized_commands(i18n, locale), language_code=locale)
