"""A bid's preview (from the site's calculator) and why a bid is not previewed."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _

from handlers.views.common import echo
from handlers.views.numbers import amount, quotient
from services.bids import BidPreviewed, BidProblem, BidRejected, BidRequest, SiteFee


def bid_preview_text(request: BidRequest, previewed: BidPreviewed) -> str:
    d, calc = previewed.direction, previewed.calc
    give, get = html.escape(d.give_code), html.escape(d.get_code)
    receive = calc.sum_get_com if calc.sum_get_com is not None else calc.sum_get
    rows = [
        (_("Account"), html.escape(request.account)),
        (_("Direction"), f"{give} → {get} (#{html.escape(d.id)})"),
        (_("You give"), f"{amount(request.amount)} {give}"),
        (_("You get"), f"{amount(receive)} {get}"),
        (_("Rate"), f"1 {give} = {amount(quotient(calc.course_get, calc.course_give))} {get}"),
    ]
    fees = previewed.fees
    if fees is not None:  # the site's own figures, from its calculator
        rows.append((_("Site's fee"), ", ".join(_fee(f) for f in fees) or html.escape(_("none"))))
    if request.payout:
        rows.append((_("Paid out to"), echo(request.payout)))
    lines = [f"<b>{html.escape(_('Bid preview'))}</b>"]
    lines += [f"{html.escape(label)}: {value}" for label, value in rows]
    lines += ["", html.escape(_("Nothing is sent until you press Confirm."))]
    return "\n".join(lines)


def _fee(fee: SiteFee) -> str:
    text = f"{amount(fee.amount)} {html.escape(fee.code)}"
    return f"{text} ({html.escape(fee.text)})" if fee.text else text


def bid_problem_text(rejected: BidRejected) -> str:
    limit = amount(rejected.limit)
    asset = html.escape(rejected.asset)
    texts = {
        BidProblem.AMOUNT_TOO_SMALL: _("The amount is below the direction's minimum of {limit} {asset}."),
        BidProblem.AMOUNT_TOO_LARGE: _("The amount is above the direction's maximum of {limit} {asset}."),
        BidProblem.RESERVE: _("The site's reserve is {limit} {asset}: give a smaller amount."),
        BidProblem.PAYOUT_MISSING: _("This direction needs where to pay the {asset} out: add to=ACCOUNT."),
        BidProblem.NOT_CANCELLABLE: _("This bid can no longer be cancelled through the API."),
    }
    return texts[rejected.problem].format(limit=limit, asset=asset)


def unknown_direction_text(account: str, direction: str) -> str:
    return _("Unknown direction {direction} on {account}. /directions lists them.").format(
        direction=f"<code>{echo(direction)}</code>", account=html.escape(account)
    )


def bid_usage_text() -> str:
    return html.escape(
        _("Usage: /bid ACCOUNT DIRECTION AMOUNT [to=ACCOUNT]. DIRECTION is an id or codes such as BTC/USDT.")
    )
