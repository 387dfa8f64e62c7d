"""A chart's caption and axis texts: a thin 1w chart says why and what helps; the zone is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from aiogram.utils.i18n import I18n

from bot.i18n import build_i18n
from handlers.views.market import chart_caption, chart_labels
from services.exchanges.models import Candle, Market
from services.market_data import CandleSeries

MARKET = Market(symbol="BTC/IDR", id="btc_idr", base="BTC", quote="IDR")


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return build_i18n()


def series(interval: str, starts: list[datetime], first_trade: datetime | None = None) -> CandleSeries:
    candles = [
        Candle(
            timestamp=t, open=Decimal(1), high=Decimal(2), low=Decimal(1), close=Decimal(2), volume=Decimal(1)
        )
        for t in starts
    ]
    built = first_trade is not None
    return CandleSeries("narkasa-main", MARKET, interval, candles, from_trades=built, first_trade=first_trade)


def test_a_weekly_chart_of_one_day_of_data_says_why_it_is_thin_and_what_to_try(i18n: I18n) -> None:
    now = datetime.now(UTC)
    day_ago = now - timedelta(days=1, minutes=5)
    # one weekly bucket (it opened on Monday) built from the trades of the last day
    thin = series("1w", [day_ago - timedelta(days=day_ago.weekday())], first_trade=day_ago)
    with i18n.context():
        caption = chart_caption(thin, ZoneInfo("UTC"))
    assert f"Only 1 candles: the data for this market starts at {day_ago:%Y-%m-%d %H:%M}." in caption
    assert "Try 1h for more." in caption


def test_a_chart_with_enough_candles_says_nothing_about_its_size(i18n: I18n) -> None:
    now = datetime.now(UTC)
    full = series("1h", [now - timedelta(hours=i) for i in range(30)])
    with i18n.context():
        caption = chart_caption(full, ZoneInfo("UTC"))
    assert caption == "BTC/IDR · 1h · narkasa-main"


def test_the_time_axis_names_the_members_zone(i18n: I18n) -> None:
    with i18n.context():
        labels = chart_labels(series("5m", [datetime.now(UTC)]), ZoneInfo("Asia/Jakarta"))
    assert labels.x_axis == "time (Asia/Jakarta)"
    assert labels.y_axis == "price, IDR"
