"""Numbers typed by a member: plain decimals only, so a typo never becomes an order."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum

# digits, at most one dot; no sign, exponent, separators or words (NaN, Infinity, 1e999)
_PLAIN = re.compile(r"\d+(\.\d+)?|\.\d+")
MAX_DIGITS = 24  # far beyond any real amount or price, far below what breaks rendering


class AmountProblem(StrEnum):
    EMPTY = "empty"
    COMMA = "comma"  # 0,5: a decimal comma, or a thousands separator; either way ambiguous
    NEGATIVE = "negative"
    NOT_A_NUMBER = "not_a_number"
    TOO_LONG = "too_long"
    ZERO = "zero"


class AmountError(ValueError):
    def __init__(self, problem: AmountProblem, text: str) -> None:
        super().__init__(f"{problem.value}: {text[:40]!r}")
        self.problem = problem
        self.text = text


def parse_amount(text: str) -> Decimal:
    """A positive plain decimal (``0.5``, ``12``, ``.25``), or AmountError saying what is wrong."""
    value = text.strip()
    if not value:
        raise AmountError(AmountProblem.EMPTY, text)
    if "," in value:
        raise AmountError(AmountProblem.COMMA, text)
    if value.startswith("-"):
        raise AmountError(AmountProblem.NEGATIVE, text)
    if not _PLAIN.fullmatch(value):
        raise AmountError(AmountProblem.NOT_A_NUMBER, text)
    if sum(ch.isdigit() for ch in value.lstrip("0")) > MAX_DIGITS:
        raise AmountError(AmountProblem.TOO_LONG, text)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise AmountError(AmountProblem.NOT_A_NUMBER, text) from None
    if amount == 0:
        raise AmountError(AmountProblem.ZERO, text)
    return amount
