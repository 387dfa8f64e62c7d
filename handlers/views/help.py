from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from handlers.commands import CommandInfo


def help_text(commands: list[CommandInfo]) -> str:
    lines = [_("Commands available to you:")]
    lines += [f"/{command.name} — {command.description}" for command in commands]
    return "\n".join(lines)
