"""Balances and the portfolio as Telegram HTML."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.views.exchange_errors import failure_line
from handlers.views.numbers import amount, moment, money, share
from services.portfolio import Holding, PortfolioReport, Valued


def _route_value(v: Valued, quote: str) -> str:
    """One route's figure with the way it was reached: "0.0000001 BTC (LTC → IDR → BTC, indodax)"."""
    route = " → ".join(v.path)
    where = ", ".join(v.exchanges)
    return html.escape(f"{amount(v.value)} {quote} ({route}{', ' + where if where else ''})")


def _uncertain_text(h: Holding, quote: str) -> str:
    first, second = (_route_value(v, quote) for v in h.disputed[:2])
    return "⚠️ " + html.escape(_("price uncertain: {first} or {second}")).format(first=first, second=second)


def _holding_line(h: Holding, quote: str) -> str:
    value = "" if h.value is None else f" ≈ {money(h.value)} {html.escape(quote)}"
    if h.uncertain:
        value = " " + _uncertain_text(h, quote)
    detail = ""
    if h.reserved:
        detail = (
            " ("
            + _("free {free}, reserved {reserved}").format(free=amount(h.free), reserved=amount(h.reserved))
            + ")"
        )
    return f"<code>{html.escape(h.asset)}</code> {amount(h.total)}{detail}{value}"


def balance_blocks(report: PortfolioReport) -> list[str]:
    """One block per account: its holdings, then a note of hidden dust; or why it failed."""
    failures = {r.account.name: r for r in report.failures}
    blocks = []
    for name in report.accounts:
        if name in failures:
            blocks.append(failure_line(failures[name]))
            continue
        lines = [f"<b>{html.escape(name)}</b>"]
        shown = sorted(report.shown(name), key=lambda h: (h.value is None, -(h.value or 0), h.asset))
        lines += [_holding_line(h, report.quote) for h in shown]
        if not shown:
            lines.append(_("no balances"))
        dust = len(report.dust(name))
        if dust:
            lines.append(
                "<i>"
                + ngettext(
                    "{count} balance under {threshold} {quote} hidden",
                    "{count} balances under {threshold} {quote} hidden",
                    dust,
                ).format(count=dust, threshold=money(report.dust_threshold), quote=html.escape(report.quote))
                + "</i>"
            )
        blocks.append("\n".join(lines))
    return blocks


def balance_header(tz: ZoneInfo) -> str:
    return "<b>{title}</b>\n<i>{updated}</i>".format(
        title=html.escape(_("Balances")),
        updated=html.escape(_("Updated {time}").format(time=f"{moment(datetime.now(UTC), tz)} {tz}")),
    )


def portfolio_blocks(report: PortfolioReport) -> list[str]:
    quote = html.escape(report.quote)
    if report.holdings and not report.uncertain() and not any(h.value is not None for h in report.holdings):
        # a currency no market leads to: one line says so instead of listing every holding unpriced
        text = _("Nothing the team holds has a price in {quote}: no market leads to it. Try USDT or BTC.")
        return [html.escape(text.format(quote=report.quote)), *(failure_line(r) for r in report.failures)]
    uncertain = report.uncertain()
    total_line = "<b>{title}</b>: {total} {quote}".format(
        title=html.escape(_("Total")), total=money(report.total), quote=quote
    )
    if uncertain:
        # a treasury must never read a total that silently leaves something out
        total_line += "\n⚠️ " + html.escape(
            ngettext(
                "without {count} holding whose price is uncertain (see below)",
                "without {count} holdings whose price is uncertain (see below)",
                len(uncertain),
            ).format(count=len(uncertain))
        )
    blocks = [total_line]
    total = report.total
    by_account = [
        f"<b>{html.escape(name)}</b>: {money(value)} {quote}{_share(value, total)}"
        for name, value in report.by_account().items()
        if name not in {r.account.name for r in report.failures}
    ]
    blocks.append(html.escape(_("By account")) + "\n" + "\n".join(by_account))
    by_asset = [
        f"<code>{html.escape(asset)}</code> {money(value)} {quote}{_share(value, total)}"
        for asset, value in report.by_asset().items()
        if value >= report.dust_threshold
    ]
    if by_asset:
        blocks.append(html.escape(_("By asset")) + "\n" + "\n".join(by_asset))
    unpriced = report.unpriced()
    if unpriced:
        lines = [
            f"<code>{html.escape(h.asset)}</code> {amount(h.total)} ({html.escape(h.account)})"
            for h in unpriced
        ]
        note = _("Not priced (no market to {quote}), not in the total:").format(quote=report.quote)
        blocks.append(html.escape(note) + "\n" + "\n".join(lines))
    if uncertain:
        lines = [
            f"<code>{html.escape(h.asset)}</code> {amount(h.total)} ({html.escape(h.account)}): "
            + _uncertain_text(h, report.quote)
            for h in uncertain
        ]
        note = _("Price uncertain (two routes differ by more than {tolerance} %), not in the total:").format(
            tolerance=amount(report.price_tolerance * 100)
        )
        blocks.append(html.escape(note) + "\n" + "\n".join(lines))
    if report.feed_ages:
        ages = ", ".join(
            _("{exchange} {seconds} s old").format(exchange=exchange, seconds=round(age))
            for exchange, age in sorted(report.feed_ages.items())
        )
        blocks.append("<i>" + html.escape(_("Prices from the price feed: {ages}").format(ages=ages)) + "</i>")
    blocks += [failure_line(r) for r in report.failures]
    return blocks


def portfolio_header(report: PortfolioReport, tz: ZoneInfo) -> str:
    return "<b>{title}</b>\n<i>{updated}</i>".format(
        title=html.escape(_("Portfolio in {quote}").format(quote=report.quote)),
        updated=html.escape(_("Updated {time}").format(time=f"{moment(datetime.now(UTC), tz)} {tz}")),
    )


def _share(value: Decimal, total: Decimal) -> str:
    return "" if total <= 0 else f" ({share(value, total)})"
