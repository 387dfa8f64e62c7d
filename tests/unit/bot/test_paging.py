from collections.abc import Iterator

import pytest

from bot.i18n import build_i18n
from handlers.views.paging import Screen, ViewCb, split_pages


@pytest.fixture
def english() -> Iterator[None]:
    i18n = build_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


def test_blocks_that_fit_share_one_page() -> None:
    assert split_pages(["a", "b"], header="H") == ["H\n\na\n\nb"]


def test_pages_never_exceed_the_budget_and_lose_nothing() -> None:
    blocks = [f"block {i}\n" + "x" * 90 for i in range(40)]
    pages = split_pages(blocks, header="Title", budget=500)
    assert all(len(page) <= 500 for page in pages)
    assert all(page.startswith("Title") for page in pages)
    assert sum(page.count("block ") for page in pages) == 40


def test_a_block_longer_than_a_page_is_split_between_lines() -> None:
    block = "\n".join(["heading", *(f"line {i:03d}" for i in range(200))])
    pages = split_pages([block], budget=300)
    assert len(pages) > 1
    assert all(len(page) <= 300 for page in pages)
    assert sum(page.count("line ") for page in pages) == 200


def test_nothing_to_show_is_still_one_page() -> None:
    assert split_pages([], header="Empty") == ["Empty"]


def test_buttons_offer_prev_and_next_only_where_there_is_a_page(english: None) -> None:
    first = Screen("t", view="b", arg="acc", page=0, pages=3).keyboard()
    last = Screen("t", view="b", arg="acc", page=2, pages=3).keyboard()
    assert first is not None and last is not None
    first_data = [ViewCb.unpack(b.callback_data or "") for b in first.inline_keyboard[0]]
    assert [d.page for d in first_data] == [0, 1]  # Refresh, Next
    assert [b.text.strip("◀▶ 🔄") for b in last.inline_keyboard[0]] == ["Prev", "Refresh"]


def test_callback_data_fits_telegrams_64_bytes_with_the_longest_account_name() -> None:
    data = ViewCb(view="w", arg="a" * 32, page=999).pack()
    assert len(data.encode()) <= 64


def test_a_block_split_over_pages_repeats_its_heading_on_each() -> None:
    block = "\n".join(["<b>incorex-main</b>", *(f"line {i:03d}" for i in range(200))])
    pages = split_pages([block], header="Trades", budget=300)
    assert len(pages) > 1
    assert all(page.startswith("Trades\n\n<b>incorex-main</b>\nline ") for page in pages)
    assert all(len(page) <= 300 for page in pages)
    assert sum(page.count("line ") for page in pages) == 200
