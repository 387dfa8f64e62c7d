"""The Cancel buttons of /orders rows: one per row, within Telegram's 64 bytes of callback data."""

from decimal import Decimal

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.cancel import CancelOrderCb, order_cancel_buttons
from handlers.views.paging import Screen
from services.exchanges.models import Order, OrderSide, OrderStatus, OrderType


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def _order(order_id: str) -> Order:
    return Order(
        id=order_id,
        symbol="BTC/USDT",
        side=OrderSide.BUY,
        type=OrderType.LIMIT,
        status=OrderStatus.OPEN,
        amount=Decimal("0.01"),
        price=Decimal(100),
    )


def test_each_row_gets_a_cancel_button_naming_the_order(i18n: I18n) -> None:
    with i18n.context():
        rows = order_cancel_buttons([("iqfinex-main", _order("17")), ("iqfinex-main", _order("18"))])
    assert [r[0].text for r in rows] == ["✖️ Cancel buy BTC/USDT 0.01"] * 2
    assert CancelOrderCb.unpack(rows[1][0].callback_data or "").order_id == "18"


def test_a_row_whose_data_would_pass_64_bytes_or_holds_a_colon_gets_no_button(i18n: I18n) -> None:
    with i18n.context():
        rows = order_cancel_buttons(
            [("iqfinex-main", _order("9" * 60)), ("a", _order("x:y")), ("a", _order("1"))]
        )
    assert len(rows) == 1
    assert all(len((r[0].callback_data or "").encode()) <= 64 for r in rows)


def test_row_buttons_show_only_to_members_who_may_act(i18n: I18n) -> None:
    with i18n.context():
        actions = order_cancel_buttons([("iqfinex-main", _order("17"))])
        screen = Screen("t", view="o", actions=actions)
        viewer, trader = screen.keyboard(), screen.keyboard(acting=True)
    assert viewer is not None and trader is not None
    assert not any("Cancel" in b.text for row in viewer.inline_keyboard for b in row)
    assert trader.inline_keyboard[0][0].text.startswith("✖️ Cancel")
    assert "Refresh" in trader.inline_keyboard[-1][0].text
