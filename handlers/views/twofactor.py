"""Step-up code texts: /2fa enrolment, the code request after Approve, and the lock notice."""

from __future__ import annotations

import html
import io
from decimal import Decimal

import segno
from aiogram.utils.i18n import gettext as _

from handlers.views.numbers import amount
from services.actions.records import Action


def qr_png(uri: str) -> bytes:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def not_available_text() -> str:
    return html.escape(_("Step-up codes are not available: the bot has no [security] encryption_key."))


def already_enrolled_text() -> str:
    return html.escape(_("You are already enrolled: approvals ask for a code from your authenticator app."))


def enrol_caption(uri: str) -> str:
    intro = _(
        "Scan this QR code with an authenticator app (or add the link below by hand), then send the "
        "6-digit code it shows to finish. The secret is shown only this once."
    )
    return f"{html.escape(intro)}\n\n<code>{html.escape(uri)}</code>"


def enrolled_text() -> str:
    return html.escape(_("Done: approvals above the configured value now need a code from your app."))


def enrol_wrong_text() -> str:
    return html.escape(_("That code does not match. Send the current 6-digit code, or /2fa to start over."))


def ask_code_text(action: Action) -> str:
    text = _(
        "To approve withdrawal {id} ({amount} {asset} from {account}), send the 6-digit code from your app."
    )
    p = action.params
    shown = amount(Decimal(p["amount"]))
    return html.escape(text.format(id=action.id, amount=shown, asset=p["asset"], account=action.account))


def code_sent_in_private_text() -> str:
    return _("This approval needs a code: I asked for it in our private chat.")


def code_wrong_text() -> str:
    return html.escape(_("Wrong or already used code: the approval was not counted. Send the next code."))


def locked_text() -> str:
    return html.escape(_("Too many wrong codes: your approvals are locked for 15 minutes."))


def not_enrolled_text() -> str:
    return _("This approval needs a code: enrol first with /2fa in a private chat with me.")


def locked_admins_text(name: str) -> str:
    text = _("{name} sent 5 wrong step-up codes: their approvals are locked for 15 minutes.")
    return "⚠️ " + html.escape(text.format(name=name))
