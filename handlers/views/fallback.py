"""Answers to input the bot has no command for."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _

from handlers.views.common import echo


def unknown_command_text(command: str) -> str:
    return html.escape(_("Unknown command {command}. Send /help to see the commands.")).format(
        command=echo(command)
    )


def unknown_input_text() -> str:
    return html.escape(_("I answer commands only. Send /help to see them."))
