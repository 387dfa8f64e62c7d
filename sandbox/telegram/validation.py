"""Telegram's checks on what a bot sends: HTML parse mode, text and caption lengths, inline keyboards.

The HTML parser follows the algorithm of Telegram's own one (tdlib ``parse_html``) closely enough
that a message rejected here is rejected by Telegram with the same description, and vice versa.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_SUPPORTED_TAGS = {*_SIMPLE_TAGS, "a", "code", "pre", "span", "blockquote", "tg-emoji"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
TEXT_BUTTONS_UNALLOWED = (
    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)
_URL_RE = re.compile(r"^(https?|tg|ton)://\S+$", re.IGNORECASE)


@dataclass
class FormattedText:
    """Text as Telegram stores it: plain characters plus entities (offsets in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.entities: list[dict[str, Any]] = []
        # (tag name, attributes, utf16 offset where it started, byte offset of "<")
        self.stack: list[tuple[str, dict[str, str], int, int]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def fail(self, detail: str) -> ApiError:
        return bad_request(f"can't parse entities: {detail}")

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.utf16 += utf16_len(chars)

    def peek(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def parse(self) -> FormattedText:
        src = self.src
        while self.pos < len(src):
            ch = src[self.pos]
            if ch == "&":
                self.emit(self.read_entity())
            elif ch == "<":
                if self.peek(self.pos + 1) == "/":
                    self.read_end_tag()
                else:
                    self.read_start_tag()
            else:
                self.emit(ch)
                self.pos += 1
        if self.stack:
            raise self.fail(f"Can't find end tag corresponding to start tag {self.stack[-1][0]}")
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self.out), self.entities)

    def read_entity(self) -> str:
        """Decode ``&...;`` at ``pos``; a lone ``&`` that starts no reference stays a literal."""
        start = self.pos
        match = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+)(;?)").match(self.src, start)
        if match is None:
            self.pos += 1
            return "&"
        name, semicolon = match.group(1), match.group(2)
        if name.startswith("#"):
            code = int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:])
            if 0 < code < 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                self.pos = match.end()
                return chr(code)
            self.pos += 1
            return "&"
        if name in _NAMED_ENTITIES:
            self.pos = match.end()
            return _NAMED_ENTITIES[name]
        if semicolon:
            # Telegram would show it literally; a bot that sends it almost surely forgot to escape.
            raise self.fail(f'Unsupported HTML entity "&{name};" at byte offset {self.byte_offset(start)}')
        self.pos += 1
        return "&"

    def read_start_tag(self) -> None:
        src, begin = self.src, self.pos
        i = begin + 1
        while i < len(src) and not src[i].isspace() and src[i] != ">":
            i += 1
        if i >= len(src):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        tag = src[begin + 1 : i].lower()
        if tag not in _SUPPORTED_TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}')
        attrs: dict[str, str] = {}
        while True:
            while i < len(src) and src[i].isspace():
                i += 1
            if i >= len(src):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if src[i] == ">":
                break
            name_start = i
            while i < len(src) and not src[i].isspace() and src[i] not in "=>":
                i += 1
            name = src[name_start:i].lower()
            while i < len(src) and src[i].isspace():
                i += 1
            if i < len(src) and src[i] == "=":
                i, value = self.read_attribute_value(tag, begin, i + 1)
            else:
                value = ""
            attrs[name] = value
        self.pos = i + 1
        offset = self.byte_offset(begin)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise self.fail(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')
        self.stack.append((tag, attrs, self.utf16, self.byte_offset(begin)))

    def read_attribute_value(self, tag: str, begin: int, i: int) -> tuple[int, str]:
        src = self.src
        while i < len(src) and src[i].isspace():
            i += 1
        if i >= len(src):
            raise self.fail(f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}')
        if src[i] not in "'\"":
            token_start = i
            while i < len(src) and (src[i].isalnum() or src[i] in ".-"):
                i += 1
            if i < len(src) and not src[i].isspace() and src[i] != ">":
                offset = self.byte_offset(token_start)
                raise self.fail(f"Unexpected end of name token at byte offset {offset}")
            return i, src[token_start:i].lower()
        quote = src[i]
        end = src.find(quote, i + 1)
        if end < 0:
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        value = _decode_attribute(src[i + 1 : end])
        return end + 1, value

    def read_end_tag(self) -> None:
        src, begin = self.src, self.pos
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        i = begin + 2
        while i < len(src) and not src[i].isspace() and src[i] != ">":
            i += 1
        name = src[begin + 2 : i].lower()
        while i < len(src) and src[i].isspace():
            i += 1
        if i >= len(src) or src[i] != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        tag, attrs, offset, _ = self.stack[-1]
        if name and name != tag:
            offset = self.byte_offset(begin)
            raise self.fail(
                f'Unmatched end tag at byte offset {offset}, expected "</{tag}>", found "</{name}>"'
            )
        self.stack.pop()
        self.pos = i + 1
        if self.utf16 > offset:
            self.add_entity(tag, attrs, offset, self.utf16 - offset)

    def add_entity(self, tag: str, attrs: dict[str, str], offset: int, length: int) -> None:
        entity: dict[str, Any] = {"offset": offset, "length": length}
        if tag in _SIMPLE_TAGS or tag == "span":
            entity["type"] = _SIMPLE_TAGS.get(tag, "spoiler")
        elif tag == "a":
            href = attrs.get("href", "")
            user = re.fullmatch(r"tg://user\?id=(\d+)", href)
            if user:
                mentioned = {"id": int(user.group(1)), "is_bot": False, "first_name": ""}
                entity.update(type="text_mention", user=mentioned)
            elif _URL_RE.match(href):
                entity.update(type="text_link", url=href)
            else:
                return  # Telegram drops links it cannot use and keeps the text.
        elif tag == "blockquote":
            entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        elif tag == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=attrs["emoji-id"])
        elif tag == "code":
            language = attrs.get("class", "")
            if self.stack and self.stack[-1][0] == "pre" and language.startswith("language-"):
                # <pre><code class="language-x"> is one pre entity with a language; the pre closes it.
                self.stack[-1][1]["language"] = language.removeprefix("language-")
                return
            entity["type"] = "code"
        elif tag == "pre":
            entity["type"] = "pre"
            if attrs.get("language"):
                entity["language"] = attrs["language"]
        self.entities.append(entity)


def _decode_attribute(raw: str) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#"):
            code = int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:])
            return chr(code) if 0 < code < 0x10FFFF else match.group(0)
        return _NAMED_ENTITIES.get(name, match.group(0))

    return re.sub(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);?", repl, raw)


def parse_html(source: str) -> FormattedText:
    """Turn Telegram-HTML into plain text and entities, or raise ``can't parse entities``."""
    return _HtmlParser(source).parse()


def format_text(
    raw: str,
    parse_mode: str | None,
    entities: Any = None,
    *,
    limit: int = MAX_TEXT,
    is_caption: bool = False,
) -> FormattedText:
    """Apply ``parse_mode`` (or explicit ``entities``) and Telegram's length rules."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        formatted = parse_html(raw)
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is not parsed: the text is kept as sent; the bot under test speaks HTML.
        formatted = FormattedText(raw, _entity_list(entities))
    else:
        raise bad_request("unsupported parse_mode")
    length = len(formatted.text)
    if not is_caption and not formatted.text.strip():
        raise bad_request("message text is empty")
    if length > limit:
        raise bad_request("message caption is too long" if is_caption else "message is too long")
    return formatted


def _entity_list(entities: Any) -> list[dict[str, Any]]:
    if entities is None:
        return []
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    return entities


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Check a reply_markup object; answer with the inline keyboard to store on the message, if any."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise bad_request("can't parse reply keyboard markup JSON object")
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            _validate_button(button)
    return {"inline_keyboard": rows}


def _validate_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(TEXT_BUTTONS_UNALLOWED)
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in _BUTTON_ACTIONS if name in button]
    if not actions:
        raise bad_request(TEXT_BUTTONS_UNALLOWED)
    if len(actions) > 1:
        raise bad_request("can't parse inline keyboard button: only one of the optional fields must be used")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not _URL_RE.match(str(button["url"])):
        raise bad_request(f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL")


def parse_json_field(name: str, value: Any) -> Any:
    """Form fields carry objects as JSON strings; JSON bodies carry them as objects already."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise bad_request(f"can't parse {name} JSON object") from None
