"""`python -m bench` in a tiny mode: it runs, prints one table and writes every figure with the baseline
measured in the same run (no timing is asserted: the figures are for people to read)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main

pytestmark = pytest.mark.integration


def test_alerts_bench_writes_each_figure_with_its_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.json"
    main(["alerts", "--alerts", "40", "--out", str(out)])
    results = json.loads(out.read_text())
    figures = {f["what"]: f for f in results["figures"]}
    tick = figures["40 alerts: one tick of 40 markets"]
    assert tick["baseline_what"] == "naive loop"
    assert tick["ratio"] == pytest.approx(tick["value"] / tick["baseline"])
    assert figures["40 alerts: Redis memory per alert"]["value"] > 0
    assert results["machine"]["nproc"] >= 1
    assert "one tick of 40 markets" in capsys.readouterr().out
