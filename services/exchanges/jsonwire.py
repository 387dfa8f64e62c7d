"""JSON with Decimals as exact numbers (never through float, never with an exponent).

APIs type money as JSON numbers; request bodies and the simulators' answers write them exactly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def decimal_text(value: Decimal) -> str:
    """Positional notation, as every exchange wants money on the wire: "0.0000001", never "1E-7"."""
    return format(value, "f")


def dumps(value: Any) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)
