"""Pickers of the guided flows and the names exchanges go by."""

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.exchange_errors import reason_text
from handlers.views.market import accounts_keyboard
from services.exchanges.errors import NotSupported


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
