"""Reading what a member writes after /alert ACCOUNT PAIR."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.alerts.conditions import BadCondition, Condition, Kind, Problem, parse_condition


def parse(text: str) -> Condition:
    return parse_condition(text.split())


@pytest.mark.parametrize(
    ("text", "kind", "price"),
    [
        ("> 70000", Kind.ABOVE, "70000"),
        ("<0.5", Kind.BELOW, "0.5"),
        ("x 65000", Kind.CROSS, "65000"),
        ("X1,5", Kind.CROSS, "1.5"),
    ],
)
def test_thresholds(text: str, kind: Kind, price: str) -> None:
    condition = parse(text)
    assert (condition.kind, condition.price, condition.repeat) == (kind, Decimal(price), False)


def test_moves_with_their_period() -> None:
    assert parse("+5% 1h") == Condition(Kind.RISE, percent=Decimal(5), period_s=3600)
    assert parse("-3% 15m") == Condition(Kind.FALL, percent=Decimal(3), period_s=900)


def test_options_and_a_note() -> None:
    condition = parse("> 100 repeat cooldown=10m expires=7d take profit")
    assert condition.repeat and condition.cooldown_s == 600 and condition.expires_s == 7 * 86400
    assert condition.note == "take profit"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", Problem.MISSING),
        ("> abc", Problem.NUMBER),
        (">", Problem.NUMBER),
        ("> -5", Problem.PRICE),
        ("> 0", Problem.PRICE),
        ("> NaN", Problem.NUMBER),
        ("< Infinity", Problem.NUMBER),
        ("+1001% 1h", Problem.PERCENT),
        ("+0% 1h", Problem.PERCENT),
        ("+NaN% 1h", Problem.NUMBER),
        ("+5% 0m", Problem.PERIOD),
        ("+5% 99y", Problem.PERIOD),
        ("+5% 2d", Problem.PERIOD),
        ("+5%", Problem.PERIOD),
        ("> 100 colour=red", Problem.OPTION),
        ("> 100 cooldown=0m", Problem.DURATION),
        ("> 100 expires=99y", Problem.DURATION),
        ("= 100", Problem.CONDITION),
    ],
)
def test_bad_input_names_the_problem(text: str, problem: Problem) -> None:
    with pytest.raises(BadCondition) as caught:
        parse(text)
    assert caught.value.problem is problem
