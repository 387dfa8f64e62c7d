"""A failure as the user reads it: short, localized, no internals. Logs keep the detail."""

from __future__ import annotations

import html
import math
from typing import Any

from aiogram.utils.i18n import gettext as _

from handlers.views.common import DETAIL_LIMIT, clip
from services.accounts import AccountResult
from services.exchanges import errors
from services.exchanges.registry import display_name


def reason_text(exc: errors.ExchangeError) -> str:
    if isinstance(exc, errors.RequestTimeout):
        return _("unavailable, timed out")
    if isinstance(exc, errors.OutcomeUnknown):
        return _("no answer; the outcome is unknown and needs a manual check")
    if isinstance(exc, errors.ExchangeUnavailable):
        return _("unavailable, try again later")
    if isinstance(exc, errors.RateLimited):
        if exc.retry_after:
            seconds = math.ceil(exc.retry_after)
            return _("request limit reached, try again in {seconds} s").format(seconds=seconds)
        return _("rate limited by the exchange, try again shortly")
    if isinstance(exc, errors.InvalidNonce):
        return _("rejected: clock or nonce out of sync")
    if isinstance(exc, errors.AuthenticationError):
        return _("API key rejected")
    if isinstance(exc, errors.PermissionDenied):
        return _("the API key lacks the permission for this")
    if isinstance(exc, errors.InsufficientFunds):
        return _("insufficient funds")
    if isinstance(exc, errors.UnknownPair):
        return _("unknown pair")
    if isinstance(exc, errors.InvalidOrder):
        return _("order rejected: {detail}").format(detail=clip(exc.message, DETAIL_LIMIT))
    if isinstance(exc, errors.OrderNotFound):
        return _("not found")
    if isinstance(exc, errors.NotSupported):
        exchange = display_name(exc.exchange) if exc.exchange else _("this exchange")
        return _("not supported by {exchange}").format(exchange=exchange)
    if isinstance(exc, errors.BadResponse):
        return _("the exchange sent an answer we could not read")
    return _("request failed")


def failure_line(result: AccountResult[Any]) -> str:
    """An account that could not answer, in place of its block: its name and the short reason."""
    assert result.error is not None
    return f"⚠️ <b>{html.escape(result.account.name)}</b>: {html.escape(reason_text(result.error))}"
