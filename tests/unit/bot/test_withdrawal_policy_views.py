"""A withdrawal refused by a limit in the portfolio's quote says which limit, what the day already holds
and what the request is worth, in the member's language and number format."""

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.withdrawals import policy_text
from services.withdrawals.policy import PolicyProblem, PolicyRefused

UTC = ZoneInfo("UTC")


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def test_the_daily_limit_in_the_quote_names_the_limit_the_usage_and_the_worth(i18n: I18n) -> None:
    refused = PolicyRefused(
        PolicyProblem.PER_DAY_QUOTE,
        limit=Decimal(5000),
        used=Decimal("4000.004"),
        value=Decimal("1234.5678"),
        quote="USDT",
    )
    with i18n.context(), i18n.use_locale("en"):
        text = policy_text(refused, "BTC", UTC)
    assert "at most 5,000 USDT in 24 hours" in text
    assert "4,000 USDT already requested" in text and "worth about 1,234.57 USDT" in text


def test_the_per_transaction_limit_in_the_quote_is_told_in_the_members_language(i18n: I18n) -> None:
    refused = PolicyRefused(PolicyProblem.PER_TX_QUOTE, limit=Decimal(100), value=Decimal(250), quote="USDT")
    with i18n.context(), i18n.use_locale("ru"):
        text = policy_text(refused, "BTC", UTC)
    assert "не более 100 USDT за один вывод" in text and "250 USDT" in text


def test_an_unpriced_request_says_it_cannot_be_valued(i18n: I18n) -> None:
    with i18n.context(), i18n.use_locale("en"):
        text = policy_text(PolicyRefused(PolicyProblem.UNPRICED, quote="USDT"), "XYZ", UTC)
    assert "no price values this withdrawal in USDT" in text
