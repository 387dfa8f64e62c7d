from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from handlers.views.common import role_title
from services.team import TeamMember


def greeting_text(member: TeamMember) -> str:
    return "\n".join(
        [
            _("Hello, {name}! Your role: {role}.").format(name=member.name, role=role_title(member.role)),
            _("Send /help to see what you can do."),
        ]
    )
