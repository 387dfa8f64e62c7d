"""What a member reads off the charts: every candle visible, the right time span and zone, plain prices,
pie labels apart. The figures are inspected after drawing, in display (pixel) coordinates."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from services.charts import ChartLabels, candlestick_figure, pies_figure
from services.exchanges.models import Candle

NOW = datetime(2026, 11, 29, 4, 30, tzinfo=UTC)
FIVE_MIN = 300
LABELS = ChartLabels("BTC/IDR · 5m", "time (Asia/Jakarta)", "price, IDR")


def candle(at: datetime, o: str, h: str, low: str, c: str) -> Candle:
    return Candle(
        timestamp=at, open=Decimal(o), high=Decimal(h), low=Decimal(low), close=Decimal(c), volume=Decimal(1)
    )


def drawn(fig: Figure) -> Figure:
    fig.canvas.draw()
    return fig


def bodies(fig: Figure) -> list[tuple[float, float]]:
    """(x centre in data units, height in pixels) of every candle body drawn."""
    ax = fig.axes[0]
    found = []
    for collection in ax.collections:
        if isinstance(collection, PolyCollection):
            for path in collection.get_paths():
                pixels = ax.transData.transform(path.vertices)
                xs, heights = path.vertices[:, 0], pixels[:, 1]
                found.append((float(xs.max() + xs.min()) / 2, float(heights.max() - heights.min())))
    for patch in ax.patches:  # bodies drawn as bars
        if isinstance(patch, Rectangle):
            box = patch.get_window_extent()
            found.append((patch.get_x() + patch.get_width() / 2, float(box.height)))
    return found


def test_a_candle_of_one_price_is_drawn_with_a_visible_body() -> None:
    start = NOW - timedelta(hours=1)
    candles = [
        candle(start, "1000000000", "1000400000", "999800000", "1000200000"),
        candle(start + timedelta(minutes=5), "1000200000", "1000200000", "1000200000", "1000200000"),
        candle(start + timedelta(minutes=10), "1000200000", "1000300000", "999900000", "1000000000"),
    ]
    fig = drawn(candlestick_figure(candles, LABELS, FIVE_MIN, UTC, NOW))
    heights = [height for _, height in bodies(fig)]
    plt.close(fig)
    assert len(heights) == 3
    assert min(heights) >= 1.5  # pixels


def test_a_chart_whose_candles_are_all_one_price_is_not_blank() -> None:
    candles = [candle(NOW - timedelta(minutes=5 * i), "150", "150", "150", "150") for i in range(1, 4)]
    fig = drawn(candlestick_figure(candles, LABELS, FIVE_MIN, UTC, NOW))
    heights = [height for _, height in bodies(fig)]
    low, high = fig.axes[0].get_ylim()
    plt.close(fig)
    assert len(heights) == 3 and min(heights) >= 1.5
    assert low < 150 < high


def test_a_single_weekly_candle_has_a_body_as_wide_as_its_week_allows() -> None:
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    week = 7 * 86400
    fig = drawn(
        candlestick_figure([candle(monday, "60000", "60500", "59700", "60200")], LABELS, week, UTC, NOW)
    )
    ax = fig.axes[0]
    [body] = [p for c in ax.collections if isinstance(c, PolyCollection) for p in c.get_paths()]
    width_days = float(body.vertices[:, 0].max() - body.vertices[:, 0].min())
    plt.close(fig)
    assert 0.5 * 7 <= width_days <= 7


def test_the_time_axis_spans_the_candles_and_stops_at_now() -> None:
    start = NOW - timedelta(hours=3)
    candles = [candle(start + timedelta(minutes=5 * i), "10", "12", "9", "11") for i in range(12)]
    fig = candlestick_figure(candles, LABELS, FIVE_MIN, UTC, NOW)
    left, right = (mdates.num2date(x) for x in fig.axes[0].get_xlim())
    plt.close(fig)
    half = timedelta(seconds=FIVE_MIN / 2)
    assert left >= start - half
    assert right <= min(candles[-1].timestamp + half, NOW)


def test_the_running_candle_does_not_stretch_the_axis_past_now() -> None:
    opened = NOW - timedelta(minutes=1)
    candles = [candle(opened - timedelta(minutes=5 * i), "10", "12", "9", "11") for i in range(5)]
    fig = candlestick_figure(candles, LABELS, FIVE_MIN, UTC, NOW)
    right = mdates.num2date(fig.axes[0].get_xlim()[1])
    plt.close(fig)
    assert opened < right <= NOW


def test_times_are_the_members_wall_clock_and_the_axis_names_the_zone() -> None:
    jakarta = ZoneInfo("Asia/Jakarta")  # UTC+7
    first = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)
    candles = [candle(first + timedelta(minutes=5 * i), "10", "12", "9", "11") for i in range(6)]
    fig = drawn(candlestick_figure(candles, LABELS, FIVE_MIN, jakarta, NOW))
    centres = sorted(x for x, _ in bodies(fig))
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    label = fig.axes[0].get_xlabel()
    plt.close(fig)
    assert mdates.num2date(centres[0]).strftime("%H:%M") == "07:00"
    assert any(t.startswith("07:") for t in ticks), ticks
    assert "Asia/Jakarta" in label


def test_idr_prices_are_written_in_full_without_an_offset_or_exponent() -> None:
    start = NOW - timedelta(hours=1)
    candles = [
        candle(
            start + timedelta(minutes=5 * i),
            f"{1_000_000_000 + i * 10_000}",
            "1000100000",
            "999990000",
            f"{1_000_000_000 + (i + 1) * 10_000}",
        )
        for i in range(8)
    ]
    fig = drawn(candlestick_figure(candles, LABELS, FIVE_MIN, UTC, NOW))
    ax = fig.axes[0]
    offset = ax.yaxis.get_offset_text().get_text()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    plt.close(fig)
    assert offset == ""
    assert ticks and all("e" not in t.lower() for t in ticks)
    assert all(int("".join(ch for ch in t if ch.isdigit())) >= 999_000_000 for t in ticks), ticks


def overlaps(a: Text, b: Text, renderer: object) -> bool:
    box_a, box_b = a.get_window_extent(renderer), b.get_window_extent(renderer)  # type: ignore[arg-type]
    return bool(box_a.overlaps(box_b))


def test_pie_labels_never_overlap_even_for_thin_slices() -> None:
    by_asset = {
        "USDT": Decimal(500_000),
        "BTC": Decimal(400_000),
        "ETH": Decimal(90_000),
        "LTC": Decimal(3_000),
        "XRP": Decimal(2_000),
        "DOGE": Decimal(1_500),
        "ADA": Decimal(800),
        "SOL": Decimal(600),
        "DOT": Decimal(200),
        "TRX": Decimal(100),
    }
    by_account = {
        "incorex-main": Decimal(990_000),
        "narkasa-main": Decimal(5_000),
        "iqfinex-main": Decimal(3_000),
        "indodax-main": Decimal(1_000),
        "exchanger-main": Decimal(100),
    }
    fig = drawn(pies_figure(by_asset, by_account, ("By asset", "By account"), "other"))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    named = " ".join(t.get_text() for t in texts)
    clashes = [
        (a.get_text(), b.get_text()) for a, b in itertools.combinations(texts, 2) if overlaps(a, b, renderer)
    ]
    plt.close(fig)
    for name in ("USDT", "TRX" if "TRX" in named else "other", "exchanger-main"):
        assert name in named
    assert clashes == []
