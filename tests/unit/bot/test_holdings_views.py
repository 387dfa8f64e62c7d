"""Balances and portfolio screens render whatever values the exchanges send."""

from decimal import Decimal

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.holdings import balance_blocks, portfolio_blocks
from services.portfolio import Holding, PortfolioReport


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def _report(odd: str) -> PortfolioReport:
    huge = Decimal(odd)
    return PortfolioReport(
        quote="USDT",
        dust_threshold=Decimal("1"),
        holdings=[
            Holding("odd-one", "BTC", huge, Decimal(0), huge * 90000),
            Holding("odd-one", "SHIB", Decimal("1E-30"), Decimal(0), None),
            Holding("plain", "ETH", Decimal("2.5"), Decimal("-0"), Decimal("7500")),
        ],
        accounts=["odd-one", "plain"],
    )


@pytest.mark.parametrize("odd", ["1e26", "1e999", "-0.0", "1E-30"])
def test_an_odd_balance_renders_and_leaves_the_other_accounts_intact(i18n: I18n, odd: str) -> None:
    with i18n.context():
        balances = "\n\n".join(balance_blocks(_report(odd)))
        portfolio = "\n\n".join(portfolio_blocks(_report(odd)))
    assert "<b>odd-one</b>" in balances
    assert "<code>ETH</code> 2.5 ≈ 7,500.00 USDT" in balances
    assert "<code>SHIB</code> 1E-30" in balances
    assert "<b>plain</b>: 7,500.00 USDT" in portfolio


def test_a_huge_balance_shows_an_exponent(i18n: I18n) -> None:
    with i18n.context():
        balances = "\n\n".join(balance_blocks(_report("1e26")))
    assert "<code>BTC</code> 1E26 ≈ 9E30 USDT" in balances


def test_balances_and_shares_follow_the_readers_locale(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("ru"):
        balances = "\n\n".join(balance_blocks(_report("1234.5")))
        portfolio = "\n\n".join(portfolio_blocks(_report("1234.5")))
    assert "<code>BTC</code> 1\xa0234,5 ≈ 111\xa0105\xa0000,00 USDT" in balances
    assert "<b>plain</b>: 7\xa0500,00 USDT (0,0%)" in portfolio


def test_a_quote_nothing_prices_is_said_plainly(i18n: I18n) -> None:
    report = PortfolioReport(
        quote="XYZ",
        dust_threshold=Decimal("1"),
        holdings=[Holding("plain", "ETH", Decimal("2.5"), Decimal(0), None)],
        accounts=["plain"],
    )
    with i18n.context():
        [text] = portfolio_blocks(report)
    assert text == "Nothing the team holds has a price in XYZ: no market leads to it. Try USDT or BTC."
