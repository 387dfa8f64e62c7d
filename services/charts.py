"""PNG charts: candlesticks of a market and the split of a portfolio.

matplotlib is synchronous and slow, so rendering runs in a worker thread, off the event loop. Chart
coordinates are floats: they are pixels, not money.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import mplfinance as mpf
import pandas as pd
from matplotlib import ticker
from matplotlib.figure import Figure

from services.exchanges.models import Candle

UP, DOWN = "#26a69a", "#ef5350"
SLICES = 8  # the rest is folded into one "other" slice
#: a candle whose open, high, low and close are one price still shows as a body this part of the axis tall
MIN_BODY = 1 / 150
#: the price axis of a chart whose prices are all one spans this part of the price above and below it
FLAT_PAD = Decimal("0.002")
BODY_WIDTH = 0.7  # of the candle's interval
DPI = 110
GROUP = "\u202f"  # narrow no-break space: groups thousands the same way in every language

STYLE = mpf.make_mpf_style(
    base_mpf_style="default",
    marketcolors=mpf.make_marketcolors(up=UP, down=DOWN, edge="inherit", wick="inherit"),
    gridstyle=":",
    gridcolor="#cccccc",
    rc={"font.size": 9},
)


@dataclass(frozen=True)
class ChartLabels:
    """Texts come translated from the caller: services do not know the user's language."""

    title: str
    x_axis: str
    y_axis: str
    other: str = "other"


class PlainNumber(ticker.Formatter):
    """Numbers in full with grouped thousands: never an offset or an exponent (IDR prices are 1e9)."""

    def __init__(self) -> None:
        self.places = 0

    def set_locs(self, locs: list[float]) -> None:
        super().set_locs(locs)
        steps = [b - a for a, b in itertools.pairwise(locs) if b > a]
        step = min(steps) if steps else 1.0
        # enough places to tell two neighbouring ticks apart, and no more
        self.places = min(12, max(0, -math.floor(math.log10(step)))) if step > 0 else 0

    def __call__(self, x: float, pos: int | None = None) -> str:
        return f"{x:,.{self.places}f}".replace(",", GROUP)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _frame(candles: Sequence[Candle], zone: tzinfo) -> tuple[pd.DataFrame, tuple[float, float]]:
    """OHLCV as mplfinance reads it, in the member's wall time, and the price range to show.

    A candle of one price gets a body of MIN_BODY of the range (drawing only), else it has no height.
    """
    low = min(c.low for c in candles)
    high = max(c.high for c in candles)
    if high == low:
        pad = abs(high) * FLAT_PAD or Decimal(1)
        low, high = low - pad, high + pad
    span = float(high - low)
    body = span * MIN_BODY
    rows = []
    for c in candles:
        o, h, lo, cl = float(c.open), float(c.high), float(c.low), float(c.close)
        if abs(cl - o) < body:
            middle = (o + cl) / 2
            o, cl = (
                (middle + body / 2, middle - body / 2) if cl < o else (middle - body / 2, middle + body / 2)
            )
            h, lo = max(h, o, cl), min(lo, o, cl)
        rows.append((_wall(c.timestamp, zone), o, h, lo, cl, float(c.volume)))
    frame = pd.DataFrame(rows, columns=["Date", "Open", "High", "Low", "Close", "Volume"]).set_index("Date")
    return frame, (float(low) - span * 0.05, float(high) + span * 0.05)


def _wall(moment: datetime, zone: tzinfo) -> datetime:
    """The member's wall-clock time, naive: matplotlib then draws and labels it as it is."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None)


def candlestick_figure(
    candles: Sequence[Candle],
    labels: ChartLabels,
    interval_seconds: int,
    zone: tzinfo = UTC,
    now: datetime | None = None,
) -> Figure:
    """Candles centred on their open time; the time axis runs from the first candle to the last or to
    now, whichever is earlier, in the member's time zone (``labels.x_axis`` names it)."""
    candles = sorted(candles, key=lambda c: c.timestamp)
    frame, (bottom, top) = _frame(candles, zone)
    fig = mpf.figure(style=STYLE, figsize=(9, 4.5))
    ax = fig.add_subplot(1, 1, 1)
    mpf.plot(
        frame,
        type="candle",
        ax=ax,
        show_nontrading=True,  # a time axis: hours without trades keep their place
        xrotation=0,
        warn_too_much_data=10_000,
        # mplfinance sizes bodies by the average gap between candles: zero for one candle, too wide with
        # gaps; a body is BODY_WIDTH of its interval instead (x is in days)
        update_width_config={"candle_width": interval_seconds / 86400 * BODY_WIDTH},
    )
    half = timedelta(seconds=interval_seconds / 2)
    first = _wall(candles[0].timestamp, zone) - half
    last = _wall(candles[-1].timestamp, zone)
    current = _wall(now or datetime.now(UTC), zone)
    # the running candle may reach into the future: the axis stops at now (unless the exchange's
    # clock is ahead of ours, and the last candle would not show at all)
    right = min(last + half, current)
    ax.set_xlim(mdates.date2num(first), mdates.date2num(right if right > last else last + half))
    ax.set_ylim(bottom, top)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=True))
    ax.yaxis.set_major_formatter(PlainNumber())
    ax.yaxis.tick_right()
    ax.yaxis.set_label_position("right")
    ax.set_title(labels.title)
    ax.set_xlabel(labels.x_axis)
    ax.set_ylabel(labels.y_axis)
    return fig


def _fold(parts: Mapping[str, Decimal], other: str) -> tuple[list[str], list[float]]:
    ranked = sorted(((k, v) for k, v in parts.items() if v > 0), key=lambda kv: kv[1], reverse=True)
    head, tail = ranked[:SLICES], ranked[SLICES:]
    names = [k for k, _ in head]
    values = [float(v) for _, v in head]
    if tail:
        names.append(other)
        values.append(float(sum((v for _, v in tail), Decimal(0))))
    return names, values


def pies_figure(
    left: Mapping[str, Decimal], right: Mapping[str, Decimal], titles: tuple[str, str], other: str
) -> Figure:
    """Two pies, each with its names and shares in a legend under it: wedge labels of thin slices
    would overlap, a legend's rows never do."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 5.5))
    for ax, parts, title in zip(axes, (left, right), titles, strict=True):
        names, values = _fold(parts, other)
        total = sum(values)
        if values:
            wedges, _ = ax.pie(
                values, startangle=90, counterclock=False, wedgeprops={"linewidth": 1, "edgecolor": "white"}
            )
            legend = [f"{name} · {_share(value / total)}" for name, value in zip(names, values, strict=True)]
            ax.legend(wedges, legend, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=2, frameon=False)
        ax.set_title(title)
        ax.axis("equal")
    fig.subplots_adjust(bottom=0.3)
    return fig


def _share(part: float) -> str:
    return f"{part:.1%}" if part >= 0.001 else "<0.1%"


async def candlestick_png(
    candles: Sequence[Candle],
    labels: ChartLabels,
    interval_seconds: int,
    zone: tzinfo = UTC,
) -> bytes:
    return await asyncio.to_thread(
        lambda: _png(candlestick_figure(list(candles), labels, interval_seconds, zone))
    )


async def portfolio_pies_png(
    by_asset: Mapping[str, Decimal], by_account: Mapping[str, Decimal], titles: tuple[str, str], other: str
) -> bytes:
    return await asyncio.to_thread(lambda: _png(pies_figure(dict(by_asset), dict(by_account), titles, other)))
