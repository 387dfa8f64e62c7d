"""PNG charts: candlesticks of a market and the split of a portfolio.

matplotlib is synchronous and slow, so rendering runs in a worker thread, off the event loop. Chart
coordinates are floats: they are pixels, not money.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from services.exchanges.models import Candle

UP, DOWN = "#26a69a", "#ef5350"
SLICES = 8  # the rest is folded into one "other" slice


@dataclass(frozen=True)
class ChartLabels:
    """Texts come translated from the caller: services do not know the user's language."""

    title: str
    x_axis: str
    y_axis: str
    other: str = "other"


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _candles_png(candles: Sequence[Candle], labels: ChartLabels, width_days: float) -> bytes:
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for c in candles:
        x = mdates.date2num(c.timestamp)
        color = UP if c.close >= c.open else DOWN
        ax.vlines(x, float(c.low), float(c.high), color=color, linewidth=1)
        bottom, top = sorted((float(c.open), float(c.close)))
        ax.bar(x, max(top - bottom, 1e-12), width_days * 0.7, bottom=bottom, color=color, align="center")
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d %H:%M"))
    fig.autofmt_xdate()
    ax.set_title(labels.title)
    ax.set_xlabel(labels.x_axis)
    ax.set_ylabel(labels.y_axis)
    ax.grid(alpha=0.3)
    return _png(fig)


def _fold(parts: Mapping[str, Decimal], other: str) -> tuple[list[str], list[float]]:
    ranked = sorted(((k, v) for k, v in parts.items() if v > 0), key=lambda kv: kv[1], reverse=True)
    head, tail = ranked[:SLICES], ranked[SLICES:]
    names = [k for k, _ in head]
    values = [float(v) for _, v in head]
    if tail:
        names.append(other)
        values.append(float(sum((v for _, v in tail), Decimal(0))))
    return names, values


def _pies_png(
    left: Mapping[str, Decimal], right: Mapping[str, Decimal], titles: tuple[str, str], other: str
) -> bytes:
    fig, axes = plt.subplots(1, 2, figsize=(10, 5))
    for ax, parts, title in zip(axes, (left, right), titles, strict=True):
        names, values = _fold(parts, other)
        if values:
            ax.pie(values, labels=names, autopct="%1.1f%%", startangle=90, counterclock=False)
        ax.set_title(title)
        ax.axis("equal")
    return _png(fig)


async def candlestick_png(candles: Sequence[Candle], labels: ChartLabels, interval_seconds: int) -> bytes:
    return await asyncio.to_thread(_candles_png, list(candles), labels, interval_seconds / 86400)


async def portfolio_pies_png(
    by_asset: Mapping[str, Decimal], by_account: Mapping[str, Decimal], titles: tuple[str, str], other: str
) -> bytes:
    return await asyncio.to_thread(_pies_png, dict(by_asset), dict(by_account), titles, other)
