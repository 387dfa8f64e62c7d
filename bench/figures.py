"""One measured figure next to the baseline measured in the same run, and the table and JSON they make.

The machine is shared and noisy, so a figure alone says little: every row carries its baseline from the
same run, and the ratio between the two is the number to compare across machines.
"""

from __future__ import annotations

import json
import os
import platform
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from redis.asyncio import Redis

from services.redis_client import Keys, create_redis

REDIS_URL = os.environ.get("CHATOPS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True, slots=True)
class Figure:
    bench: str
    what: str
    value: float
    unit: str
    baseline: float | None = None  # measured in the same run; None when the figure stands alone
    baseline_what: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.baseline:
            return None
        return self.value / self.baseline


def machine() -> dict[str, str | int]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    return {
        "nproc": os.cpu_count() or 0,
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
    }


def resident_mb(pid: int | None = None) -> float:
    """A process's resident memory now (VmRSS; this process by default), in MiB; 0 where /proc is missing."""
    status = Path(f"/proc/{pid or 'self'}/status")
    if not status.exists():
        return 0.0
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@asynccontextmanager
async def throwaway_redis() -> AsyncIterator[tuple[Redis, Keys]]:
    """A Redis client and a fresh key prefix; every key under it is removed afterwards."""
    redis, prefix = create_redis(REDIS_URL), f"bench-{uuid.uuid4().hex[:12]}"
    try:
        yield redis, Keys(prefix)
    finally:
        await drop_prefix(redis, prefix)
        await redis.aclose()


async def drop_prefix(redis: Redis, prefix: str) -> None:
    batch: list[str] = []
    async for key in redis.scan_iter(match=f"{prefix}:*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            await redis.unlink(*batch)
            batch = []
    if batch:
        await redis.unlink(*batch)


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def table(figures: list[Figure]) -> str:
    rows = [("bench", "figure", "value", "baseline (same run)", "value/baseline")]
    for f in figures:
        base = f"{_number(f.baseline)} {f.unit} {f.baseline_what}".rstrip() if f.baseline is not None else ""
        ratio = f"{f.ratio:.3g}x" if f.ratio is not None else ""
        rows.append((f.bench, f.what, f"{_number(f.value)} {f.unit}", base, ratio))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_json(path: Path, figures: list[Figure]) -> None:
    data = {"machine": machine(), "figures": [asdict(f) | {"ratio": f.ratio} for f in figures]}
    path.write_text(json.dumps(data, indent=2) + "\n")
