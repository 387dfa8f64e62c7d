"""README.md true to the code: its tables name exactly the config keys bot/config.py accepts and the
commands the bot registers (the command menu)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from bot.config import Config
from handlers.commands import COMMANDS

README = Path(__file__).resolve().parents[3] / "README.md"
# "| `[web]` | `host`, `port` | ..." and the continuation rows "| | `port` | ..." under a section.
ROW = re.compile(r"^\|\s*(`\[\[?[a-z_]+\]\]?`)?\s*\|\s*([^|]*?)\s*\|")


def readme_config_keys(text: str) -> dict[str, set[str]]:
    """Section name -> keys, read from the table under the "## Configuration" heading."""
    section_text = text.split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    keys: dict[str, set[str]] = {}
    section = ""
    for line in section_text.splitlines():
        match = ROW.match(line)
        if not match or set(match.group(2)) <= {"-", " "} or match.group(2) == "Key":
            continue
        if match.group(1):
            section = match.group(1).strip("`[]")
        keys.setdefault(section, set()).update(re.findall(r"`([a-z_]+)`", match.group(2)))
    return keys


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds: a model, a list of them, a union of them (accounts)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models(arg)]


def accepted_config_keys() -> dict[str, set[str]]:
    return {
        section: {key for model in _models(field.annotation) for key in model.model_fields}
        for section, field in Config.model_fields.items()
    }


def test_the_config_table_is_read_from_the_readme() -> None:
    keys = readme_config_keys(README.read_text(encoding="utf-8"))
    assert {"host", "port"} <= keys["web"]
    assert "exchange" in keys["accounts"]


def test_the_readme_config_table_lists_every_key_the_config_accepts_and_no_other() -> None:
    documented = readme_config_keys(README.read_text(encoding="utf-8"))
    accepted = accepted_config_keys()
    missing = {s: sorted(k - documented.get(s, set())) for s, k in accepted.items()}
    unknown = {s: sorted(k - accepted.get(s, set())) for s, k in documented.items()}
    assert {s: k for s, k in missing.items() if k} == {}, "accepted by bot/config.py, not in README.md"
    assert {s: k for s, k in unknown.items() if k} == {}, "in README.md, not accepted by bot/config.py"


def readme_commands(text: str) -> set[str]:
    """The commands named in the first column of the table under "## Commands"."""
    section_text = text.split("\n## Commands", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in section_text.splitlines() if line.startswith("| `/")]
    return {name for cell in first_cells for name in re.findall(r"`/([a-z0-9]+)", cell)}


def test_the_readme_command_table_lists_every_command_the_bot_registers_and_no_other() -> None:
    assert readme_commands(README.read_text(encoding="utf-8")) == {info.name for info in COMMANDS}
