"""Telegram-HTML parsing and the flood limiter, without a server."""

from __future__ import annotations

import pytest

from sandbox.telegram.errors import ApiError
from sandbox.telegram.flood import FloodLimiter
from sandbox.telegram.validation import format_text, parse_html, validate_reply_markup


def test_entities_use_utf16_offsets() -> None:
    parsed = parse_html("📈 <b>BTC</b>")
    assert parsed.text == "📈 BTC"
    assert parsed.entities == [{"offset": 3, "length": 3, "type": "bold"}]


def test_rich_tags() -> None:
    parsed = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><tg-spoiler>s</tg-spoiler>'
        '<span class="tg-spoiler">t</span><blockquote expandable>q</blockquote><u>u</u><s>d</s>'
    )
    assert parsed.text == "x = 1stqud"
    assert [e["type"] for e in parsed.entities] == [
        "pre",
        "spoiler",
        "spoiler",
        "expandable_blockquote",
        "underline",
        "strikethrough",
    ]
    assert parsed.entities[0]["language"] == "python"


def test_character_references() -> None:
    assert parse_html("&lt;&gt;&amp;&quot;&#65;&#x42; A & B").text == '<>&"AB A & B'


@pytest.mark.parametrize(
    "html",
    [
        "<span>x</span>",
        "</b>",
        "<b>x</i>",
        "x <",
        "<a href='x'>l",
        "&copy;",
        '<tg-emoji emoji-id="">x</tg-emoji>',
    ],
)
def test_rejected_html(html: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities") as caught:
        parse_html(html)
    assert caught.value.code == 400


def test_unknown_parse_mode_and_caption_limits() -> None:
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode")
    assert format_text("", None, is_caption=True).text == ""
    with pytest.raises(ApiError, match="message caption is too long"):
        format_text("x" * 1025, None, limit=1024, is_caption=True)


def test_inline_keyboard_rules() -> None:
    assert validate_reply_markup({"remove_keyboard": True}) is None
    with pytest.raises(ApiError, match="Text buttons are unallowed"):
        validate_reply_markup({"inline_keyboard": [[{"text": "no action"}]]})
    with pytest.raises(ApiError, match="BUTTON_DATA_INVALID"):
        validate_reply_markup({"inline_keyboard": [[{"text": "empty", "callback_data": ""}]]})
    with pytest.raises(ApiError, match="URL"):
        validate_reply_markup({"inline_keyboard": [[{"text": "link", "url": "not a url"}]]})


def test_flood_limiter_refills_over_time() -> None:
    now = [0.0]
    limiter = FloodLimiter(enabled=True, clock=lambda: now[0])
    assert [limiter.acquire(1, is_group=False) for _ in range(3)] == [None, None, None]
    assert limiter.acquire(1, is_group=False) == 1
    now[0] += 1.0
    assert limiter.acquire(1, is_group=False) is None
    for chat in range(2, 31):
        assert limiter.acquire(chat, is_group=False) is None
    assert limiter.acquire(99, is_group=False) == 1  # 30 per second in all
