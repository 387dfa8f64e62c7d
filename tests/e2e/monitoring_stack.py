"""The real bot process wired to the emulator and the five exchange simulators (the demo's seeds)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.demo_config import demo_config_data
from bot.demo_exchanges import RunningExchange


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def to_toml(data: Mapping[str, Any]) -> str:
    """Enough TOML for a config: tables of scalars and arrays of such tables."""
    lines: list[str] = []
    for section, body in data.items():
        if isinstance(body, list):
            for item in body:
                lines.append(f"[[{section}]]")
                lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
                lines.append("")
        else:
            lines.append(f"[{section}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in body.items()]
            lines.append("")
    return "\n".join(lines)


def write_monitoring_config(
    directory: Path,
    *,
    api_url: str,
    redis_url: str,
    redis_prefix: str,
    web_port: int,
    exchanges: list[RunningExchange],
    token: str,
) -> Path:
    data = demo_config_data(
        api_url=api_url,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        web_port=web_port,
        exchanges=exchanges,
        log_level="DEBUG",
    )
    data["telegram"]["token"] = token
    # short, so an account that hangs shows as timed out in a few seconds
    # two days of transfer history: IncoreX serves one day per request, 10 requests a minute
    # no answer reused: tests change an exchange's state and expect the next command to show it
    data["exchanges"] = {"request_timeout_s": 2, "history_days": 2, "read_cache_s": 0}
    data["portfolio"] = {"quote": "USDT", "dust_threshold": "1"}
    path = directory / "config.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    return path
