"""Finds every translatable string in the source with the ast module."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCANNED_PACKAGES = ("bot", "handlers", "services")
SINGULAR_FUNCTIONS = frozenset({"_", "__", "gettext", "lazy_gettext"})
PLURAL_FUNCTIONS = frozenset({"ngettext", "lazy_ngettext"})


@dataclass(frozen=True)
class MsgId:
    text: str
    plural: str | None
    where: str


def _function_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):  # i18n.gettext(...)
        return call.func.attr
    return None


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def scan_source(source: str, filename: str) -> Iterator[MsgId]:
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _function_name(node)
        where = f"{filename}:{node.lineno}"
        if name in SINGULAR_FUNCTIONS:
            text = _literal(node.args[0])
            if text is None:
                raise AssertionError(f"{where}: {name}() needs a string literal to be translatable")
            plural = _literal(node.args[1]) if len(node.args) > 1 else None
            yield MsgId(text, plural, where)
        elif name in PLURAL_FUNCTIONS:
            singular, plural = (_literal(arg) for arg in node.args[:2])
            if singular is None or plural is None:
                raise AssertionError(f"{where}: {name}() needs string literals to be translatable")
            yield MsgId(singular, plural, where)


def scan_tree(root: Path = ROOT) -> list[MsgId]:
    found: list[MsgId] = []
    for package in SCANNED_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "exchanges" in path.relative_to(root).parts:
                continue  # the exchange layer never produces user-facing text itself
            found.extend(scan_source(path.read_text(encoding="utf-8"), str(path.relative_to(root))))
    return found
