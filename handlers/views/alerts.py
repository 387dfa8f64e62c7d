"""Texts and buttons of price alerts: the condition as written, the list with Delete/Pause, the pushes."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.views.common import echo
from handlers.views.numbers import amount, moment
from services.alerts.conditions import UNITS, BadCondition, Condition, Kind, Problem
from services.alerts.store import Alert, Fired


class AlertCb(CallbackData, prefix="al"):
    action: str  # del | pause | resume | page
    id: int
    page: int = 0  # the page of the list the button is on


def duration(seconds: int) -> str:
    """The largest unit that fits evenly, as written in the command: 900 -> 15m, 86400 -> 1d."""
    for unit, size in sorted(UNITS.items(), key=lambda item: -item[1]):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def condition_text(condition: Condition) -> str:
    """The condition the way /alert takes it, numbers in the reader's locale."""
    if condition.kind.is_move:
        assert condition.percent is not None and condition.period_s is not None
        return f"{condition.kind.value}{amount(condition.percent)}% {duration(condition.period_s)}"
    return html.escape(f"{condition.kind.value} ") + amount(condition.price)


def options_text(alert: Alert, tz: ZoneInfo) -> str:
    parts = []
    if alert.condition.repeat:
        parts.append(_("repeats"))
        if alert.condition.cooldown_s:
            parts.append(_("cooldown {time}").format(time=duration(alert.condition.cooldown_s)))
    if alert.expires is not None:
        parts.append(
            _("expires {moment}").format(moment=moment(datetime.fromtimestamp(alert.expires, UTC), tz))
        )
    return ", ".join(parts)


def alert_line(alert: Alert, tz: ZoneInfo) -> str:
    account, pair = html.escape(alert.account), html.escape(alert.symbol)
    line = f"#{alert.id} <b>{account}</b> {pair} {condition_text(alert.condition)}"
    extra = options_text(alert, tz)
    if alert.paused:
        extra = ", ".join(filter(None, [_("paused"), extra]))
    if extra:
        line += f" ({html.escape(extra)})"
    if alert.condition.note:
        line += "\n    " + html.escape(alert.condition.note)
    return line


def created_text(alert: Alert, tz: ZoneInfo) -> str:
    return _("Alert set: {alert}").format(alert=alert_line(alert, tz))


# a page of the list: its text stays far under Telegram's 4096 characters, its buttons few
PAGE_SIZE = 10


def page_count(alerts: list[Alert]) -> int:
    return max(1, -(-len(alerts) // PAGE_SIZE))


def alerts_text(alerts: list[Alert], tz: ZoneInfo, page: int = 0) -> str:
    if not alerts:
        return html.escape(_("You have no alerts. Set one with /alert ACCOUNT PAIR > PRICE."))
    shown = alerts[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [html.escape(_("Your alerts:")), *(alert_line(a, tz) for a in shown)]
    if page_count(alerts) > 1:
        lines.append(f"{page + 1}/{page_count(alerts)}")
    return "\n".join(lines)


def _button(text: str, action: str, alert_id: int, page: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=AlertCb(action=action, id=alert_id, page=page).pack()
    )


def alerts_keyboard(alerts: list[Alert], page: int = 0) -> InlineKeyboardMarkup | None:
    rows = []
    for alert in alerts[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        if alert.paused:
            pause = _button("▶ " + _("Resume #{id}").format(id=alert.id), "resume", alert.id, page)
        else:
            pause = _button("⏸ " + _("Pause #{id}").format(id=alert.id), "pause", alert.id, page)
        rows.append([pause, _button("🗑 " + _("Delete #{id}").format(id=alert.id), "del", alert.id, page)])
    paging = []
    if page > 0:
        paging.append(_button("◀ " + _("Prev"), "page", 0, page - 1))
    if page + 1 < page_count(alerts):
        paging.append(_button(_("Next") + " ▶", "page", 0, page + 1))
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def gone_text() -> str:
    return _("This alert is gone already.")


def condition_prompt_text(account: str, pair: str) -> str:
    return _(
        "Alert on {account} {pair}: send the condition, e.g. <code>&gt; 70000</code>, "
        "<code>&lt; 60000</code>, <code>x 65000</code>, <code>+5% 1h</code> or <code>-3% 15m</code>, "
        "optionally followed by "
        "<code>repeat</code>, <code>cooldown=10m</code>, <code>expires=7d</code> and a note."
    ).format(account=html.escape(account), pair=html.escape(pair))


def bad_condition_text(exc: BadCondition) -> str:
    word = f"<code>{echo(exc.word)}</code>"
    texts = {
        Problem.MISSING: _(
            "The condition is missing: use &gt; PRICE, &lt; PRICE, x PRICE, +5% 1h or -3% 15m after the pair."
        ),
        Problem.CONDITION: _(
            "Unknown condition {word}: use &gt; PRICE, &lt; PRICE, x PRICE, +5% 1h or -3% 15m."
        ).format(word=word),
        Problem.NUMBER: _("{word} is not a number: write a price such as 65000 or 0.5.").format(word=word)
        if exc.word
        else _("The price is missing after the condition."),
        Problem.PRICE: _("The price must be above 0, not {word}.").format(word=word),
        Problem.PERCENT: _("The percent must be above 0 and at most 1000, not {word}.").format(word=word),
        Problem.PERIOD: _("The period must be from 1m to 24h, such as 15m or 1h, not {word}.").format(
            word=word
        )
        if exc.word
        else _("The period is missing after the percent, such as 1h or 15m."),
        Problem.OPTION: _("Unknown option {word}. Options: repeat, cooldown=10m, expires=7d.").format(
            word=word
        ),
        Problem.DURATION: _(
            "{word}: a cooldown is from 1m to 30d, an expiry from 1m to 365d, "
            "such as cooldown=10m or expires=7d."
        ).format(word=word),
    }
    return texts[exc.problem] + "\n" + html.escape(_("Nothing was stored."))


def limit_text(limit: int) -> str:
    return html.escape(
        _(
            "You have {limit} alerts, the most allowed. Delete one in /alerts first. Nothing was stored."
        ).format(limit=limit)
    )


def fired_text(fired: Fired) -> str:
    alert = fired.alert
    kind = alert.condition.kind
    head = {
        Kind.ABOVE: _("{pair} on {account} is at or above {target}: {price} now."),
        Kind.BELOW: _("{pair} on {account} is at or below {target}: {price} now."),
        Kind.CROSS: _("{pair} on {account} crossed {target}: {price} now."),
        Kind.RISE: _("{pair} on {account} rose {target}: {price} now."),
        Kind.FALL: _("{pair} on {account} fell {target}: {price} now."),
    }[kind]
    target = condition_text(alert.condition)[1:] if kind.is_move else amount(alert.condition.price)
    text = (
        "🔔 "
        + _("Alert #{id}").format(id=alert.id)
        + "\n"
        + head.format(
            pair=html.escape(alert.symbol),
            account=f"<b>{html.escape(alert.account)}</b>",
            target=target,
            price=amount(fired.price),
        )
    )
    if alert.condition.note:
        text += "\n" + html.escape(alert.condition.note)
    if alert.condition.repeat:
        text += "\n" + html.escape(_("It fires again once the price has moved back."))
    return text


def feed_down_text(accounts: list[str]) -> str:
    return "⚠️ " + html.escape(
        _("No prices from {accounts} for a while: alerts on it wait until prices come back.").format(
            accounts=", ".join(accounts)
        )
    )


def feed_back_text(accounts: list[str]) -> str:
    return "✅ " + html.escape(
        _("Prices from {accounts} are back: alerts on it are checked again.").format(
            accounts=", ".join(accounts)
        )
    )
