"""Pieces of text shared by several features."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _

from services.team import Role


def role_title(role: Role) -> str:
    """The role's name in the current language."""
    titles = {
        Role.VIEWER: _("viewer"),
        Role.TRADER: _("trader"),
        Role.APPROVER: _("approver"),
        Role.ADMIN: _("admin"),
    }
    return titles[role]


def not_authorized_text(telegram_id: int) -> str:
    return _(
        "Sorry, you are not authorized to use this bot. Your Telegram id is {id}: "
        "an admin of the team can add you with it."
    ).format(id=telegram_id)


def write_privately_text() -> str:
    return _("I answer commands in a private chat only: write to me privately.")


def role_required_text(role: Role) -> str:
    return _("This needs the {role} role.").format(role=role_title(role))


# What a reply repeats of the user's own input: enough to recognise it, never enough to push the reply
# past Telegram's limits, whatever was sent.
ECHO_LIMIT = 40


# What a reply quotes of an exchange's own error message.
DETAIL_LIMIT = 200


def clip(text: str, limit: int) -> str:
    """``text`` on one line, shortened with an ellipsis past ``limit`` characters."""
    text = " ".join(text.split())
    return text[: limit - 1] + "…" if len(text) > limit else text


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """The user's input, shortened with an ellipsis and HTML-escaped, for quoting in a reply."""
    return html.escape(clip(text, limit))


def not_available_text() -> str:
    return _("This is not available.")


def outdated_button_text() -> str:
    return _("This button is too old, send the command again.")
