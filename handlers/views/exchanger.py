"""Exchanger sites: directions with rates and reserves, and the bids placed through the API."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from handlers.views.exchange_errors import failure_line, reason_text
from handlers.views.numbers import amount, moment, quotient
from services.accounts import AccountResult
from services.exchanger_desk import DirectionsPage, SiteDirections, Skipped
from services.exchanges import errors
from services.exchanges.exchanger.models import BidRecord, BidStatus, Direction


def _direction_line(d: Direction) -> str:
    rate = amount(quotient(d.course_get, d.course_give))
    limits = _("min {min}, max {max}").format(min=amount(d.min_give), max=amount(d.max_give))
    reserve = _("reserve {reserve}").format(reserve=f"{amount(d.reserve)} {html.escape(d.get_code)}")
    pair = f"{html.escape(d.give_code)} → {html.escape(d.get_code)}"
    return f"<b>{pair}</b> · 1 = {rate} · {html.escape(reserve)} · {html.escape(limits)}"


def _skipped_line(skipped: Skipped) -> str:
    s = skipped.summary
    pair = f"{s.give_title} → {s.get_title}"
    if isinstance(skipped.error, errors.UnknownPair):
        text = _("Skipped {pair} (direction {id}): the site does not open it to the API.")
    else:
        text = _("Skipped {pair} (direction {id}): {reason}.")
    return "⚠️ " + html.escape(text.format(pair=pair, id=s.id, reason=reason_text(skipped.error)))


def _site_block(result: AccountResult[SiteDirections]) -> str:
    if result.error is not None:
        return failure_line(result)
    site = result.value
    assert site is not None
    heading = f"<b>{html.escape(result.account.name)}</b>"
    if not site.total:
        return f"{heading}\n{html.escape(_('nothing here'))}"
    shown = len(site.directions) + len(site.skipped)
    span = _("directions {first}–{last} of {total}").format(
        first=site.first + 1, last=site.first + shown, total=site.total
    )
    lines = [f"{heading} · {html.escape(span)}"]
    lines += [_direction_line(d) for d in site.directions]
    lines += [_skipped_line(s) for s in site.skipped]
    return "\n".join(lines)


def directions_text(page: DirectionsPage) -> str:
    """One page as one message: the desk already cut it to what a message holds."""
    parts = [directions_title(), *(_site_block(r) for r in page.sites)]
    if not page.sites:
        parts.append(html.escape(_("nothing here")))
    if page.pages > 1:
        parts.append(html.escape(_("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages)))
    return "\n\n".join(parts)


def bid_status_text(status: BidStatus) -> str:
    return {
        BidStatus.COLDNEW: _("new, not yet confirmed"),
        BidStatus.NEW: _("new"),
        BidStatus.CANCEL: _("cancelled"),
        BidStatus.DELETE: _("deleted"),
        BidStatus.TECHPAY: _("client says paid"),
        BidStatus.PAYED: _("paid"),
        BidStatus.COLDPAY: _("payment being confirmed"),
        BidStatus.PARTPAY: _("partly paid"),
        BidStatus.REALPAY: _("payment received"),
        BidStatus.VERIFY: _("under verification"),
        BidStatus.AMLWAIT: _("waiting for the AML check"),
        BidStatus.AMLERROR: _("AML check failed"),
        BidStatus.MERCHWAIT: _("waiting for the merchant"),
        BidStatus.MERCHERROR: _("merchant error"),
        BidStatus.ERROR: _("error"),
        BidStatus.PAYOUTERROR: _("payout failed"),
        BidStatus.SCRPAYERROR: _("automatic payout failed"),
        BidStatus.COLDSUCCESS: _("payout being confirmed"),
        BidStatus.PARTPAYOUT: _("partly paid out"),
        BidStatus.SUCCESS: _("completed"),
    }[status]


def _bid_line(bid: BidRecord, tz: ZoneInfo) -> str:
    mark = "✅" if bid.status.value == "success" else ("✖️" if bid.status.is_final else "⏳")
    give = f"{amount(bid.amount_give)} {html.escape(bid.give_code)}"
    get = f"{amount(bid.amount_get)} {html.escape(bid.get_code)}"
    when = moment(bid.time, tz)
    # the site's own word stays beside the translation: it is what the site's admin panel shows
    status = f"{html.escape(bid_status_text(bid.status))} <code>{html.escape(bid.status.value)}</code>"
    return f"<i>{when}</i> {mark} #{html.escape(bid.id)} {give} → {get} · {status}"


def bids_blocks(results: list[AccountResult[list[BidRecord]]], tz: ZoneInfo) -> list[str]:
    blocks = []
    for result in results:
        if result.error is not None:
            blocks.append(failure_line(result))
            continue
        lines = [f"<b>{html.escape(result.account.name)}</b>"]
        lines += [_bid_line(b, tz) for b in result.value or []] or [html.escape(_("nothing here"))]
        blocks.append("\n".join(lines))
    return blocks


def directions_title() -> str:
    return f"<b>{html.escape(_('Exchange directions'))}</b>"


def bids_title() -> str:
    return f"<b>{html.escape(_('Exchange bids'))}</b>"
