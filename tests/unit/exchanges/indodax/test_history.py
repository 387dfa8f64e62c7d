"""transHistory windows: at most 7 days each, newest first, covering everything since the given time."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from services.exchanges.indodax.convert import WIB, window_params, windows


def test_without_since_the_servers_default_window_is_used() -> None:
    assert windows(None, date(2024, 7, 31)) == [None]


def test_a_short_range_is_one_window() -> None:
    since = datetime(2024, 7, 28, 10, tzinfo=WIB)
    assert windows(since, date(2024, 7, 31)) == [(date(2024, 7, 28), date(2024, 7, 31))]


def test_a_long_range_is_paged_in_seven_day_windows() -> None:
    since = datetime(2024, 7, 1, tzinfo=WIB)
    found = windows(since, date(2024, 7, 31))
    assert all(w is not None and (w[1] - w[0]).days <= 6 for w in found)
    assert found[0] == (date(2024, 7, 25), date(2024, 7, 31))
    assert found[-1] is not None and found[-1][0] == date(2024, 7, 1)


def test_windows_leave_no_day_out() -> None:
    found = [w for w in windows(datetime(2024, 6, 1, tzinfo=WIB), date(2024, 7, 31)) if w is not None]
    for newer, older in itertools.pairwise(found):
        assert older[1] + timedelta(days=1) == newer[0]


def test_start_is_always_before_end() -> None:
    assert windows(datetime(2024, 7, 31, tzinfo=WIB), date(2024, 7, 31)) == [
        (date(2024, 7, 30), date(2024, 7, 31))
    ]


def test_dates_are_sent_as_y_m_d() -> None:
    assert window_params((date(2024, 7, 1), date(2024, 7, 7))) == [
        ("start", "2024-07-01"),
        ("end", "2024-07-07"),
    ]
