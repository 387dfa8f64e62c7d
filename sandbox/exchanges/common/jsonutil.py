"""JSON for control routes and state dumps: Decimal as strings, dataclasses as dicts."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any


def plain(value: Any) -> Any:
    """Turn dataclasses, Decimals, sets and tuples into JSON-ready values (Decimal -> str, exact)."""
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [plain(v) for v in items]
    return value


def dumps(value: Any) -> str:
    return json.dumps(plain(value))


def loads(text: str | bytes) -> Any:
    """Numbers with a fraction become Decimal, as the transport parses them."""
    return json.loads(text, parse_float=Decimal)


def to_decimal(value: Any, name: str) -> Decimal:
    """``Decimal(str(x))`` for ints and strings; a clear ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{name} must be a number")
    try:
        result = Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number")
    return result
