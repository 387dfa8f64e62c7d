"""/notify: every kind of push with the member's choice, one button per kind that moves it on."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from services.notify_settings import Kind, Mode

# a press moves a kind to the next choice
NEXT_MODE = {Mode.ON: Mode.SILENT, Mode.SILENT: Mode.OFF, Mode.OFF: Mode.ON}
MODE_ICONS = {Mode.ON: "🔔", Mode.SILENT: "🔕", Mode.OFF: "🚫"}


class NotifyChoice(CallbackData, prefix="nt"):
    kind: Kind
    mode: Mode


def kind_name(kind: Kind) -> str:
    names = {
        Kind.PRICE_ALERTS: _("Price alerts"),
        Kind.FILLS: _("Order fills"),
        Kind.DEPOSITS: _("Deposits"),
        Kind.WITHDRAWALS: _("Withdrawals"),
        Kind.APPROVALS: _("Approvals"),
        Kind.SYSTEM: _("System notices"),
    }
    return names[kind]


def mode_name(mode: Mode) -> str:
    names = {Mode.ON: _("on"), Mode.SILENT: _("silent"), Mode.OFF: _("off")}
    return names[mode]


def settings_text() -> str:
    return _(
        "<b>Notifications</b>\nTap a kind to change it: on (with sound) → silent (no sound) → off (not sent)."
    )


def settings_keyboard(modes: dict[Kind, Mode]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind, mode in modes.items():
        label = _("{icon} {kind}: {mode}").format(
            icon=MODE_ICONS[mode], kind=kind_name(kind), mode=mode_name(mode)
        )
        builder.button(text=label, callback_data=NotifyChoice(kind=kind, mode=NEXT_MODE[mode]))
    builder.adjust(1)
    return builder.as_markup()


def mode_set_text(kind: Kind, mode: Mode) -> str:
    return _("{kind}: {mode}").format(kind=kind_name(kind), mode=mode_name(mode))
