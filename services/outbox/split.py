"""Long HTML texts cut into messages Telegram accepts: at most 4096 characters after entity parsing.

Cuts fall at line ends where possible, else at a space, else anywhere between characters; never inside
a tag or an entity. A tag open at a cut is closed at the end of one part and opened again at the start
of the next, so every part is valid HTML on its own.
"""

from __future__ import annotations

import html
import re

MAX_MESSAGE = 4096

# a tag, an entity, or one character
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9-]+)")


def visible_length(text: str) -> int:
    """Characters Telegram counts (UTF-16 code units) once tags are parsed and entities decoded."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", text))
    return len(plain.encode("utf-16-le")) // 2


def _width(token: str) -> int:
    if token.startswith("<") and len(token) > 1:
        return 0
    return visible_length(token)


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    if visible_length(text) <= limit:
        return [text]
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
    tokens = _TOKEN.findall(text)
    start = 0
    while start < len(tokens):
        reopen = "".join(tag for _, tag in open_tags)
        end, stack = _cut(tokens, start, limit, open_tags)
        # the line break a cut fell on belongs to no part
        body = "".join(tokens[start:end]).strip("\n")
        if visible_length(body.strip()) > 0:
            parts.append(reopen + body + "".join(f"</{name}>" for name, _ in reversed(stack)))
        open_tags = stack
        start = end
    return parts


def _cut(
    tokens: list[str], start: int, limit: int, open_tags: list[tuple[str, str]]
) -> tuple[int, list[tuple[str, str]]]:
    """Where the part starting at `start` ends, and the tags open there."""
    stack = list(open_tags)
    width = 0
    best_line: tuple[int, list[tuple[str, str]]] | None = None
    best_space: tuple[int, list[tuple[str, str]]] | None = None
    index = start
    while index < len(tokens):
        token = tokens[index]
        token_width = _width(token)
        if width + token_width > limit:
            break
        width += token_width
        index += 1
        if token == "\n":
            best_line = (index, list(stack))
        elif token == " ":
            best_space = (index, list(stack))
        elif (match := _TAG.match(token)) is not None and not token.endswith("/>"):
            closing, name = match.group(1) == "/", match.group(2).lower()
            if closing:
                for depth in range(len(stack) - 1, -1, -1):
                    if stack[depth][0] == name:
                        del stack[depth:]
                        break
            else:
                stack.append((name, token))
    if index >= len(tokens):
        return index, stack
    if best_line is not None:
        return best_line
    if best_space is not None:
        return best_space
    return max(index, start + 1), stack
