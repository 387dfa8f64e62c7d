"""Pickers of the guided flows, the names exchanges go by, and where a price came from."""

from decimal import Decimal

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.exchange_errors import reason_text
from handlers.views.market import accounts_keyboard, price_text
from services.exchanges.errors import NotSupported
from services.exchanges.models import Market, Ticker
from services.market_data import PriceView


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def test_short_labels_share_rows_and_a_long_one_gets_its_own_uncut() -> None:
    long_name = "exchanger-premium-main-site"
    markup = accounts_keyboard("price", ["a", "b", long_name, "c", "d", "e", "f"])
    rows = [[button.text for button in row] for row in markup.inline_keyboard]
    assert rows == [["a", "b"], [long_name], ["c", "d", "e"], ["f"]]


@pytest.mark.parametrize(
    ("exchange", "name"),
    [("incorex", "IncoreX"), ("iqfinex", "Iqfinex"), ("indodax", "Indodax"), ("narkasa", "Narkasa")],
)
def test_not_supported_names_the_exchange_as_everywhere_else(i18n: I18n, exchange: str, name: str) -> None:
    with i18n.context():
        assert reason_text(NotSupported("x", exchange=exchange)) == f"not supported by {name}"


def test_an_exchanges_long_rejection_is_quoted_shortened(i18n: I18n) -> None:
    from services.exchanges.errors import InvalidOrder

    with i18n.context():
        text = reason_text(InvalidOrder("price out of band " * 1000))
    assert text.startswith("order rejected: price out of band") and text.endswith("…")
    assert len(text) < 300


def test_a_price_from_the_feed_says_so_with_its_age_and_one_asked_now_does_not(i18n: I18n) -> None:
    market = Market(id="btc_usdt", symbol="BTC/USDT", base="BTC", quote="USDT")
    ticker = Ticker(symbol="BTC/USDT", last=Decimal("90000"))
    with i18n.context(), i18n.use_locale("en"):
        fed = price_text(PriceView("iqfinex-main", market, ticker, feed_age_s=3.4))
        asked = price_text(PriceView("iqfinex-main", market, ticker))
    assert "From the price feed, 3 s old" in fed
    assert "price feed" not in asked
