"""The last word when a handler fails unexpectedly: the user hears so, the log keeps the detail."""

from __future__ import annotations

import logging
import secrets

from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

from handlers.views.exchange_errors import reason_text
from services.exchanges.errors import ExchangeError

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent) -> bool:
    """Registered on the Dispatcher (errors bubble up to it from every router)."""
    exc = event.exception
    # a short reference ties what the user reports to the log line with the traceback
    ref = secrets.token_hex(3)
    log.error("update %s failed [ref %s]", event.update.update_id, ref, exc_info=exc)
    if isinstance(exc, ExchangeError):
        text = _("The exchange request failed: {reason}. (ref {ref})").format(
            reason=reason_text(exc), ref=ref
        )
    else:
        text = _("Something went wrong on our side; nothing was changed. (ref {ref})").format(ref=ref)
    update = event.update
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.message is not None:
        await update.message.answer(text)
    return True
