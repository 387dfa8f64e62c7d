from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from handlers.views.common import echo


def current_timezone_text(tz: ZoneInfo) -> str:
    return _("Times are shown in {zone}. Change with /tz ZONE, for example /tz Europe/Istanbul.").format(
        zone=html.escape(str(tz))
    )


def timezone_set_text(tz: ZoneInfo) -> str:
    return _("Done: times are now shown in {zone}.").format(zone=html.escape(str(tz)))


def unknown_timezone_text(text: str) -> str:
    return _("Unknown time zone {zone}. Use a name such as UTC, Asia/Jakarta or Europe/Moscow.").format(
        zone=echo(text)
    )
