"""The last word when a handler fails unexpectedly: the user hears so, the log keeps the detail."""

from __future__ import annotations

import logging
import secrets

from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

from handlers.views.exchange_errors import reason_text
from services.exchanges.errors import ExchangeError
from services.team import TeamDirectory

log = logging.getLogger(__name__)


def is_not_modified(exc: BaseException) -> bool:
    """Telegram refuses an edit that changes nothing (a double tap): the screen is already right."""
    return isinstance(exc, TelegramBadRequest) and "message is not modified" in exc.message


async def on_error(event: ErrorEvent, team: TeamDirectory) -> bool:
    """Registered on the Dispatcher (errors bubble up to it from every router).

    Only team members hear about a failure: a stranger learns nothing, not even that we failed.
    """
    exc = event.exception
    update = event.update
    query = update.callback_query
    if is_not_modified(exc):
        log.info("update %s: the message already shows this", update.update_id)
        text = None
    else:
        # a short reference ties what the user reports to the log line with the traceback
        ref = secrets.token_hex(3)
        log.error("update %s failed [ref %s]", update.update_id, ref, exc_info=exc)
        text = _failure_text(exc, ref)
    sender = query.from_user if query is not None else (update.message.from_user if update.message else None)
    if sender is None or sender.id not in team:
        text = None
    try:
        if query is not None:
            # a button press is always answered, or its button keeps spinning
            await query.answer(text, show_alert=text is not None)
        elif update.message is not None and text is not None:
            await update.message.answer(text)
    except TelegramAPIError as answer_failed:
        log.warning(
            "update %s: could not tell the user about the failure: %s", update.update_id, answer_failed
        )
    return True


def _failure_text(exc: BaseException, ref: str) -> str:
    if isinstance(exc, ExchangeError):
        return _("The exchange request failed: {reason}. (ref {ref})").format(
            reason=reason_text(exc), ref=ref
        )
    return _("Something went wrong on our side; nothing was changed. (ref {ref})").format(ref=ref)
