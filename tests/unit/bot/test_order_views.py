"""The order preview as the member reads it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.orders import preview_text
from services.exchanges.models import OrderSide
from services.orders.ticket import OrderRequest, check_order
from tests.unit.services.test_order_ticket import MARKET, TICKER, WALLET


@pytest.fixture
def i18n() -> I18n:
    return build_i18n()


def preview_of(fees: dict[str, Decimal | None]) -> str:
    market = MARKET.model_copy(update=fees)
    request = OrderRequest("incorex-main", "BTC/USDT", OrderSide.BUY, Decimal("0.1"), None)
    return preview_text(check_order(request, market, TICKER, WALLET, price_guard=Decimal("0.1")))


def test_the_fee_is_estimated_at_the_markets_rate(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        text = preview_of({})
    assert "Estimated fee: 6.002 USDT" in text


def test_a_market_whose_exchange_states_no_fee_rate_says_so_rather_than_show_a_zero(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        text = preview_of({"maker_fee": None, "taker_fee": None})
    assert "Estimated fee: not told by the exchange" in text
