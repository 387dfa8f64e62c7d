"""A command's arguments: split into words, with words beyond what the command takes named as extra."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from handlers.views.common import echo


class BadArgument(ValueError):
    """The command's argument is wrong; the message (HTML) says how, in the user's language."""


def words(args: str | None, most: int) -> list[str]:
    """The words of ``args``, at most ``most`` of them, or BadArgument naming the extra ones."""
    found = (args or "").split()
    if len(found) > most:
        raise BadArgument(extra_words_text(" ".join(found[most:])))
    return found


def extra_words_text(extra: str) -> str:
    return _("Too many words: {extra} is extra. Send /help to see how the command is used.").format(
        extra=f"<code>{echo(extra)}</code>"
    )
