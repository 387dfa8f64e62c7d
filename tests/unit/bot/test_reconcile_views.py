"""What admins read about an action with an unknown outcome: its parameters, whatever its kind, and one
Settle button per candidate plus "not placed", each within Telegram's 64 bytes of callback data."""

from dataclasses import replace

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.reconcile import SettleCb, settle_keyboard, settled_text, undecided_text, unknown_text
from services.actions.records import Action
from services.actions.states import ActionState


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def unknown(kind: str, params: dict[str, str], candidates: tuple[dict[str, str], ...] = ()) -> Action:
    return Action(
        id="A1b2C3d4E5f6",
        kind=kind,
        member_id=1003,
        chat_id=1003,
        account="indodax-main",
        params=params,
        state=ActionState.UNKNOWN,
        created_at=0.0,
        updated_at=0.0,
        expires_at=0.0,
        error="the bot stopped while sending",
        candidates=candidates,
    )


def test_an_order_is_told_with_its_parameters_in_the_admins_language(i18n: I18n) -> None:
    order = unknown(
        "order", {"pair": "BTC/IDR", "side": "buy", "type": "limit", "amount": "0.5", "price": "1000"}
    )
    with i18n.context(), i18n.use_locale("ru"):
        text = unknown_text(order, "carol")
    assert "Исход неизвестен" in text and "carol" in text and "0,5" in text and "A1b2C3d4E5f6" in text


def test_another_kind_of_action_is_told_with_its_parameters_by_name(i18n: I18n) -> None:
    withdrawal = unknown("withdrawal", {"asset": "BTC", "amount": "0.1", "address": "bc1q<x>"})
    with i18n.context(), i18n.use_locale("en"):
        text = unknown_text(withdrawal, "carol")
    assert "withdrawal: asset BTC, amount 0.1, address bc1q&lt;x&gt;, account indodax-main" in text
    assert "Outcome unknown (withdrawal): sent by carol" in text
    assert "order" not in text


def test_a_withdrawal_left_for_an_admin_lists_what_the_exchange_shows_and_settles_as_done(i18n: I18n) -> None:
    withdrawal = unknown(
        "withdrawal",
        {"asset": "BTC", "amount": "0.1", "address": "bc1qx"},
        ({"id": "w1", "amount": "0.1", "address": "bc1qx", "txid": "ab12", "status": "pending"},),
    )
    with i18n.context(), i18n.use_locale("en"):
        text = undecided_text(withdrawal)
        labels = [row[0].text for row in settle_keyboard(withdrawal).inline_keyboard]
    assert "could not settle this withdrawal by itself" in text
    assert "1. withdrawal w1, amount 0.1, to bc1qx, txid ab12, status pending" in text
    assert labels == ["Settle as done: w1", "Settle as not done"]


def test_a_settled_cancel_says_what_the_exchange_showed_in_the_members_language(i18n: I18n) -> None:
    failed = replace(
        unknown("cancel", {"order_id": "21", "pair": "BTC/IDR"}),
        state=ActionState.FAILED,
        error="the order is still open",
    )
    with i18n.context(), i18n.use_locale("tr"):
        text = settled_text(failed, None)
    assert "emir iptali" in text and "the order is still open" in text and "yeniden gönderilmedi" in text


def test_each_candidate_gets_a_settle_button_that_fits_in_callback_data(i18n: I18n) -> None:
    long_id = "9" * 36
    order = unknown(
        "order",
        {"pair": "BTC/IDR", "side": "sell", "type": "market", "amount": "1"},
        ({"id": "123", "status": "open"}, {"id": long_id, "status": "closed", "filled": "1"}),
    )
    with i18n.context(), i18n.use_locale("en"):
        keyboard = settle_keyboard(order)
        text = undecided_text(order)
    labels = [row[0].text for row in keyboard.inline_keyboard]
    assert labels == ["Settle as placed 123", f"Settle as placed {long_id}", "Settle as not placed"]
    picks = [SettleCb.unpack(row[0].callback_data or "").pick for row in keyboard.inline_keyboard]
    assert picks == [0, 1, -1]
    assert all(len((row[0].callback_data or "").encode()) <= 64 for row in keyboard.inline_keyboard)
    assert f"2. order {long_id}" in text and "market" in text
