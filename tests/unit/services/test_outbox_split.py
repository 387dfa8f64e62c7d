"""Long pushes cut into messages Telegram accepts: each within 4096 characters after HTML parsing, at line
ends, with no tag or entity broken and every part's tags closed."""

from __future__ import annotations

from html.parser import HTMLParser

from services.outbox.split import MAX_MESSAGE, split_html, visible_length


class Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text += data


def parsed(part: str) -> str:
    checker = Balance()
    checker.feed(part)
    checker.close()
    assert checker.open == []
    return checker.text


def test_a_short_text_is_one_message() -> None:
    assert split_html("<b>hi</b>") == ["<b>hi</b>"]


def test_parts_end_at_line_ends_and_keep_every_line_whole() -> None:
    lines = [f"<i>line {n}</i> &amp; more" for n in range(900)]
    parts = split_html("\n".join(lines))
    assert len(parts) > 1
    assert all(visible_length(p) <= MAX_MESSAGE for p in parts)
    assert "\n".join(parsed(p) for p in parts) == "\n".join(f"line {n} & more" for n in range(900))


def test_a_tag_open_across_a_cut_is_closed_and_opened_again() -> None:
    text = '<pre><code class="language-text">' + "\n".join("x" * 100 for _ in range(100)) + "</code></pre>"
    parts = split_html(text)
    assert len(parts) == 3
    for part in parts:
        assert part.startswith('<pre><code class="language-text">') and part.endswith("</code></pre>")
        parsed(part)


def test_a_line_longer_than_a_message_is_cut_at_a_space_and_counts_utf16_units() -> None:
    text = " ".join(["😀word"] * 2000)  # the emoji is two UTF-16 units
    parts = split_html(text)
    assert all(visible_length(p) <= MAX_MESSAGE for p in parts)
    assert " ".join(p.strip() for p in parts) == text
