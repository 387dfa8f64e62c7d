"""A holding whose price routes disagree: both figures shown, left out of the total, the total says so."""

from decimal import Decimal

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.holdings import balance_blocks, portfolio_blocks
from services.portfolio import Holding, PortfolioReport, Valued

D = Decimal


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def _report() -> PortfolioReport:
    ltc = Holding(
        "incorex-main",
        "LTC",
        D(100),
        D(0),
        value=None,
        path=("LTC", "USDT", "BTC"),
        disputed=(
            Valued(D("0.13"), ("LTC", "USDT", "BTC"), ("incorex",)),
            Valued(D("0.00001"), ("LTC", "IDR", "BTC"), ("indodax",)),
        ),
    )
    btc = Holding("incorex-main", "BTC", D(3), D(0), value=D(3), path=("BTC",))
    return PortfolioReport("BTC", D("0.0001"), [btc, ltc], accounts=["incorex-main"])


def test_portfolio_shows_an_uncertain_price_with_both_figures_outside_the_flagged_total(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        text = "\n".join(portfolio_blocks(_report()))
    total_block = text.split("By account")[0]
    assert "Total</b>: 3.00 BTC" in total_block and "1 holding whose price is uncertain" in total_block
    assert "Price uncertain (two routes differ by more than 5 %), not in the total:" in text
    assert (
        "price uncertain: 0.13 BTC (LTC → USDT → BTC, incorex) or 0.00001 BTC (LTC → IDR → BTC, indodax)"
        in text
    )
    assert "<code>LTC</code> 100 (incorex-main)" in text


def test_balance_shows_an_uncertain_price_instead_of_a_value(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("ru"):
        text = "\n".join(balance_blocks(_report()))
    ltc_line = next(line for line in text.splitlines() if "LTC</code>" in line)
    assert "цена неясна" in ltc_line and "LTC → IDR → BTC" in ltc_line and "≈" not in ltc_line


def test_prices_from_the_feed_are_named_with_their_age(i18n: I18n) -> None:
    btc = Holding("incorex-main", "BTC", D(3), D(0), value=D(3), path=("BTC",))
    report = PortfolioReport("BTC", D("0.0001"), [btc], accounts=["incorex-main"], feed_ages={"incorex": 4.6})
    with i18n.context(), i18n.use_locale("en"):
        text = "\n".join(portfolio_blocks(report))
        asked = "\n".join(portfolio_blocks(_report()))
    assert "Prices from the price feed: incorex 5 s old" in text
    assert "price feed" not in asked
