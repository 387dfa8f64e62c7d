"""Turning validation failures into one line per problem, each naming the key."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

_FIELD_PROBLEM = "config_field"
# Discriminated unions put the tag (the exchange name) into the error location;
# operators never write it, so it is dropped from the key we print.
_UNION_TAGGED_LISTS = frozenset({"accounts"})


class ConfigError(Exception):
    """The config cannot be used. `problems` holds one "key: reason" line per mistake."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def field_problem(path: tuple[str | int, ...], reason: str) -> PydanticCustomError:
    """An error raised by a model-level validator that still names the exact key.

    Pydantic locates errors from a model validator at the model itself; `path` is
    appended to that location when the error is printed.
    """
    return PydanticCustomError(_FIELD_PROBLEM, "{reason}", {"reason": reason, "path": path})


def format_validation_error(exc: ValidationError) -> list[str]:
    return [_format_one(error) for error in exc.errors(include_url=False)]


def _format_one(error: ErrorDetails) -> str:
    loc = _strip_union_tags(list(error["loc"]))
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == _FIELD_PROBLEM:
        return f"{_key([*loc, *ctx['path']])}: {ctx['reason']}"
    if kind == "missing":
        return f"{_key(loc)}: required"
    if kind == "extra_forbidden":
        return f"{_key(loc)}: unknown key"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tag_key = _key([*loc, _quoted(ctx["discriminator"])[0]])
        if kind == "union_tag_not_found":
            return f"{tag_key}: required"
        return f"{tag_key}: must be one of {_choices(ctx['expected_tags'])}"
    if kind == "literal_error":
        return f"{_key(loc)}: must be one of {_choices(ctx['expected'])}"
    if kind == "value_error":
        return f"{_key(loc)}: {ctx['error']}"
    if kind == "string_pattern_mismatch":
        return f"{_key(loc)}: {_pattern_reason(loc)}"
    # Pydantic's remaining messages read well once phrased like ours ("must be ...").
    return f"{_key(loc)}: {error['msg'].replace('Input should be', 'must be', 1)}"


def _strip_union_tags(loc: list[str | int]) -> list[str | int]:
    if len(loc) >= 3 and loc[0] in _UNION_TAGGED_LISTS and isinstance(loc[1], int):
        return [*loc[:2], *loc[3:]]
    return loc


def _key(loc: Sequence[str | int]) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "config"


def _quoted(text: str) -> list[str]:
    return re.findall(r"'([^']*)'", text) or [text]


def _choices(expected: str) -> str:
    return ", ".join(_quoted(expected))


def _pattern_reason(loc: Sequence[str | int]) -> str:
    field = loc[-1] if loc else ""
    reasons = {
        "name": "use 1-32 characters from a-z, 0-9, _ and -",
        "prefix": "use 1-64 characters from A-Z, a-z, 0-9, _, . and -",
        "sentinel_master": "use 1-64 characters from A-Z, a-z, 0-9, _, . and -",
        "quote": "must be an asset symbol such as USDT",
    }
    return reasons.get(str(field), "has an invalid format")
