"""Typed amounts and the checks before an order preview."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.exchanges.models import (
    Balance,
    Balances,
    Market,
    MarketLimits,
    MarketPrecision,
    MinMax,
    OrderSide,
    OrderType,
    Ticker,
)
from services.orders.amounts import AmountError, AmountProblem, parse_amount
from services.orders.ticket import ExchangeQuote, OrderProblem, OrderRejected, OrderRequest, check_order

MARKET = Market(
    symbol="BTC/USDT",
    id="btc_usdt",
    base="BTC",
    quote="USDT",
    precision=MarketPrecision(amount=4, price=2),
    limits=MarketLimits(amount=MinMax(min=Decimal("0.001"), max=Decimal(100)), cost=MinMax(min=Decimal(10))),
    maker_fee=Decimal("0.001"),
    taker_fee=Decimal("0.002"),
)
TICKER = Ticker(symbol="BTC/USDT", last=Decimal(30000), bid=Decimal(29990), ask=Decimal(30010))
WALLET = Balances(
    assets={"USDT": Balance(asset="USDT", free=Decimal(10000)), "BTC": Balance(asset="BTC", free=Decimal(1))}
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0", AmountProblem.ZERO),
        ("0.000", AmountProblem.ZERO),
        ("-1", AmountProblem.NEGATIVE),
        ("NaN", AmountProblem.NOT_A_NUMBER),
        ("inf", AmountProblem.NOT_A_NUMBER),
        ("1e999", AmountProblem.NOT_A_NUMBER),
        ("1" * 40, AmountProblem.TOO_LONG),
        ("0,5", AmountProblem.COMMA),
        ("1,000", AmountProblem.COMMA),
        ("", AmountProblem.EMPTY),
        ("0x10", AmountProblem.NOT_A_NUMBER),
        ("1.2.3", AmountProblem.NOT_A_NUMBER),
    ],
)
def test_an_amount_that_is_not_a_plain_positive_decimal_is_named(text: str, problem: AmountProblem) -> None:
    with pytest.raises(AmountError) as error:
        parse_amount(text)
    assert error.value.problem is problem


@pytest.mark.parametrize(
    ("text", "value"), [("0.5", "0.5"), ("12", "12"), (".25", "0.25"), ("007.10", "7.10")]
)
def test_plain_decimals_are_taken_exactly(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


def buy(amount: str, price: str | None = "29500") -> OrderRequest:
    return OrderRequest(
        "acc", "BTC/USDT", OrderSide.BUY, Decimal(amount), None if price is None else Decimal(price)
    )


def test_amount_and_price_are_rounded_down_to_the_markets_precision() -> None:
    preview = check_order(buy("0.123456", "29500.129"), MARKET, TICKER, WALLET, price_guard=Decimal("0.1"))
    assert (preview.amount, preview.price) == (Decimal("0.1234"), Decimal("29500.12"))
    assert preview.params() == {
        "pair": "BTC/USDT",
        "side": "buy",
        "type": "limit",
        "amount": "0.1234",
        "price": "29500.12",
    }
    assert preview.total == Decimal("0.1234") * Decimal("29500.12")
    assert preview.fee == preview.total * Decimal("0.001")
    assert preview.balances_after["BTC"] == Decimal("1.1234")
    assert preview.balances_after["USDT"] == Decimal(10000) - preview.total - preview.fee


def test_a_market_buy_is_estimated_at_the_ask_with_the_taker_fee() -> None:
    preview = check_order(buy("0.1", None), MARKET, TICKER, WALLET, price_guard=Decimal("0.1"))
    assert preview.type is OrderType.MARKET and preview.estimated_price == Decimal(30010)
    assert preview.fee == Decimal("0.1") * Decimal(30010) * Decimal("0.002")
    assert "price" not in preview.params()


def test_a_market_buy_the_exchange_prices_itself_takes_its_total_and_average_price() -> None:
    said = ExchangeQuote(amount=Decimal("0.1"), total=Decimal("3050.5"), average_price=Decimal("30505"))
    preview = check_order(
        buy("0.1", None), MARKET, TICKER, WALLET, price_guard=Decimal("0.1"), exchange_quote=said
    )
    assert preview.quoted and preview.total == Decimal("3050.5")
    assert preview.estimated_price == Decimal(30505)
    assert preview.fee == Decimal("3050.5") * Decimal("0.002")  # the fee table: no exchange states one
    assert preview.balances_after["USDT"] == Decimal(10000) - Decimal("3050.5") - preview.fee


def test_the_exchanges_figure_is_not_taken_for_a_limit_order_or_another_amount() -> None:
    said = ExchangeQuote(amount=Decimal("0.1"), total=Decimal("3050.5"), average_price=Decimal("30505"))
    limit = check_order(buy("0.1"), MARKET, TICKER, WALLET, price_guard=Decimal("0.1"), exchange_quote=said)
    other = check_order(
        buy("0.2", None), MARKET, TICKER, WALLET, price_guard=Decimal("0.1"), exchange_quote=said
    )
    assert not limit.quoted and limit.total == Decimal("0.1") * Decimal(29500)
    assert not other.quoted and other.total == Decimal("0.2") * Decimal(30010)


@pytest.mark.parametrize(
    ("request_", "problem"),
    [
        (buy("0.0001"), OrderProblem.AMOUNT_TOO_SMALL),
        (buy("0.00001"), OrderProblem.AMOUNT_TOO_SMALL),  # rounds down to 0
        (buy("101"), OrderProblem.AMOUNT_TOO_LARGE),
        (buy("0.001", "5000"), OrderProblem.TOTAL_TOO_SMALL),
        (buy("1"), OrderProblem.INSUFFICIENT_FUNDS),
        (
            OrderRequest("acc", "BTC/USDT", OrderSide.SELL, Decimal(2), Decimal(30000)),
            OrderProblem.INSUFFICIENT_FUNDS,
        ),
        (
            OrderRequest("acc", "BTC/USDT", OrderSide.BUY, Decimal(1), None, Decimal(1)),
            OrderProblem.PRICE_MISSING,
        ),
    ],
)
def test_what_the_exchange_would_refuse_is_refused_here(
    request_: OrderRequest, problem: OrderProblem
) -> None:
    with pytest.raises(OrderRejected) as rejected:
        check_order(request_, MARKET, TICKER, WALLET, price_guard=Decimal("0.1"))
    assert rejected.value.problem is problem


def test_a_market_order_without_any_price_to_estimate_from_is_refused() -> None:
    with pytest.raises(OrderRejected) as rejected:
        check_order(buy("0.1", None), MARKET, None, WALLET, price_guard=Decimal("0.1"))
    assert rejected.value.problem is OrderProblem.NO_PRICE


def test_a_price_beyond_the_guard_needs_a_second_confirmation() -> None:
    near = check_order(buy("0.01", "28000"), MARKET, TICKER, WALLET, price_guard=Decimal("0.1"))
    far = check_order(buy("0.01", "20000"), MARKET, TICKER, WALLET, price_guard=Decimal("0.1"))
    assert not near.needs_guard and far.needs_guard
    assert far.distance is not None and far.distance > Decimal("0.33")
