"""What a member writes after ACCOUNT PAIR, read into an alert condition (no I/O, no Redis).

``> PRICE``, ``< PRICE``, ``x PRICE`` (crossing either way), ``+5% 1h`` / ``-3% 15m`` (a move within a
period), then options ``repeat``, ``cooldown=10m``, ``expires=7d`` and free words that become the note.
A mistake raises BadCondition naming what is wrong and the word that is, so the chat can say it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Kind(StrEnum):
    ABOVE = ">"
    BELOW = "<"
    CROSS = "x"
    RISE = "+"
    FALL = "-"

    @property
    def is_move(self) -> bool:
        return self in (Kind.RISE, Kind.FALL)


class Problem(StrEnum):
    MISSING = "missing"  # no condition at all
    CONDITION = "condition"  # not one of > < x +N% -N%
    NUMBER = "number"  # the price or percent is not a number
    PRICE = "price"  # zero or negative
    PERCENT = "percent"  # outside (0, 1000]
    PERIOD = "period"  # missing, unreadable or out of range
    OPTION = "option"  # an unknown key=value option
    DURATION = "duration"  # an option's duration is unreadable or out of range


class BadCondition(ValueError):
    def __init__(self, problem: Problem, word: str = "") -> None:
        super().__init__(problem.value, word)
        self.problem = problem
        self.word = word


MAX_PERCENT = Decimal(1000)
UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# a move is measured over the feed's recent prices, kept for one day
MOVE_PERIOD_S = (60, 86400)
COOLDOWN_S = (60, 30 * 86400)
EXPIRES_S = (60, 365 * 86400)
DEFAULT_COOLDOWN_S = 0
OPTIONS = ("cooldown", "expires")
NOTE_LIMIT = 200

_DURATION = re.compile(r"^(\d{1,6})([mhdw])$")
_PERCENT = re.compile(r"^([+-])(.+)%$")


@dataclass(frozen=True, slots=True)
class Condition:
    kind: Kind
    price: Decimal | None = None  # > < x
    percent: Decimal | None = None  # + -: the size of the move, in percent
    period_s: int | None = None  # + -: within this many seconds
    repeat: bool = False
    cooldown_s: int = DEFAULT_COOLDOWN_S
    expires_s: int | None = None
    note: str = ""


def parse_duration(text: str, bounds: tuple[int, int]) -> int | None:
    """``15m``, ``1h``, ``7d``, ``2w`` within ``bounds`` seconds, else None."""
    found = _DURATION.match(text.strip().lower())
    if found is None:
        return None
    seconds = int(found.group(1)) * UNITS[found.group(2)]
    return seconds if bounds[0] <= seconds <= bounds[1] else None


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise BadCondition(Problem.NUMBER, text) from None
    if not value.is_finite():
        raise BadCondition(Problem.NUMBER, text)
    return value


def parse_condition(words: list[str]) -> Condition:
    """The condition in ``words`` (what follows ACCOUNT PAIR); BadCondition for anything wrong."""
    if not words:
        raise BadCondition(Problem.MISSING)
    head, rest = words[0], list(words[1:])
    # "> 100" and ">100" (also "x100") read alike
    if len(head) > 1 and (head[0] in "<>" or (head[0] in "xX" and head[1] in "0123456789.")):
        rest.insert(0, head[1:])
        head = head[0]
    symbol = head.lower()
    if symbol in (">", "<", "x"):
        if not rest:
            raise BadCondition(Problem.NUMBER, "")
        price = _number(rest[0])
        if price <= 0:
            raise BadCondition(Problem.PRICE, rest[0])
        return _options(Condition(Kind(symbol), price=price), rest[1:])
    move = _PERCENT.match(head)
    if move is None:
        raise BadCondition(Problem.CONDITION, head)
    percent = _number(move.group(2))
    if not 0 < percent <= MAX_PERCENT:
        raise BadCondition(Problem.PERCENT, head)
    if not rest:
        raise BadCondition(Problem.PERIOD, "")
    period = parse_duration(rest[0], MOVE_PERIOD_S)
    if period is None:
        raise BadCondition(Problem.PERIOD, rest[0])
    kind = Kind.RISE if move.group(1) == "+" else Kind.FALL
    return _options(Condition(kind, percent=percent, period_s=period), rest[1:])


def _options(condition: Condition, words: list[str]) -> Condition:
    repeat, cooldown, expires, note = False, condition.cooldown_s, None, []
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            if word.lower() == "repeat":
                repeat = True
            else:
                note.append(word)
            continue
        if key.lower() == "cooldown":
            cooldown = _option_duration(value, COOLDOWN_S, word)
        elif key.lower() == "expires":
            expires = _option_duration(value, EXPIRES_S, word)
        else:
            raise BadCondition(Problem.OPTION, word)
    return Condition(
        condition.kind,
        price=condition.price,
        percent=condition.percent,
        period_s=condition.period_s,
        repeat=repeat,
        cooldown_s=cooldown,
        expires_s=expires,
        note=" ".join(note)[:NOTE_LIMIT],
    )


def _option_duration(value: str, bounds: tuple[int, int], word: str) -> int:
    seconds = parse_duration(value, bounds)
    if seconds is None:
        raise BadCondition(Problem.DURATION, word)
    return seconds
