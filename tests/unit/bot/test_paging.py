from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import build_i18n
from handlers.screens import PAGED_BY_SERVICE, SCREENS
from handlers.views.paging import Screen, View, ViewCb, freshness_line, split_pages
from services.exchanges import errors
from services.read_cache import Freshness


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
    first = Screen("t", view=View.BALANCE, arg="acc", page=0, pages=3).keyboard()
    last = Screen("t", view=View.BALANCE, arg="acc", page=2, pages=3).keyboard()
    assert first is not None and last is not None
    first_data = [ViewCb.unpack(b.callback_data or "") for b in first.inline_keyboard[0]]
    assert [d.page for d in first_data] == [0, 1]  # Refresh, Next
    assert [b.text.strip("◀▶ 🔄") for b in last.inline_keyboard[0]] == ["Prev", "Refresh"]


def test_callback_data_fits_telegrams_64_bytes_with_the_longest_account_name() -> None:
    data = ViewCb(view=View.WITHDRAWALS, arg="a" * 32, page=999, sid="x" * 8).pack()
    assert len(data.encode()) <= 64


def test_a_block_split_over_pages_repeats_its_heading_on_each() -> None:
    block = "\n".join(["<b>incorex-main</b>", *(f"line {i:03d}" for i in range(200))])
    pages = split_pages([block], header="Trades", budget=300)
    assert len(pages) > 1
    assert all(page.startswith("Trades\n\n<b>incorex-main</b>\nline ") for page in pages)
    assert all(len(page) <= 300 for page in pages)
    assert sum(page.count("line ") for page in pages) == 200


def test_prev_and_next_name_the_stored_pages_and_refresh_does_not(english: None) -> None:
    markup = Screen("t", view=View.BALANCE, page=1, pages=3, sid="abcd1234").keyboard()
    assert markup is not None
    prev, refresh, next_ = (ViewCb.unpack(b.callback_data or "") for b in markup.inline_keyboard[0])
    assert (prev.sid, refresh.sid, next_.sid) == ("abcd1234", "", "abcd1234")


def test_data_fetched_for_the_reply_needs_no_age(english: None) -> None:
    assert freshness_line(Freshness(datetime.now(UTC)), ZoneInfo("UTC")) == ""


def test_reused_data_shows_its_time_in_the_members_zone_and_its_age(english: None) -> None:
    fetched = datetime(2026, 1, 2, 9, 30, tzinfo=UTC)
    line = freshness_line(Freshness(fetched, cached=True), ZoneInfo("Europe/Istanbul"))
    assert line.startswith("🕓 Data as of 12:30 (")
    assert line.endswith(" min ago)")
    recent = freshness_line(Freshness(datetime.now(UTC) - timedelta(seconds=3), cached=True), ZoneInfo("UTC"))
    assert recent.endswith(("(3 s ago)", "(4 s ago)"))  # 4 on a machine slow enough to take a second


def test_data_standing_in_for_a_refused_read_shows_the_wait(english: None) -> None:
    refused = errors.RateLimited("limit", retry_after=44.2)
    fetched = datetime(2026, 1, 2, 9, 30, tzinfo=UTC)
    line = freshness_line(Freshness(fetched, cached=True, refused=refused), ZoneInfo("UTC"))
    assert line == "⏳ Data as of 09:30: request limit reached, try again in 45 s"


def test_every_view_has_a_screen_and_the_router_that_turns_it() -> None:
    assert set(SCREENS) | set(PAGED_BY_SERVICE) == set(View)
    assert not set(SCREENS) & set(PAGED_BY_SERVICE)
