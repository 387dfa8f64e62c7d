"""`python -m bench` in a tiny mode: every benchmark runs, the table is printed and results.json holds
each figure with the baseline measured in the same run. No timing is asserted (figures are for people to
read); what is asserted is what the figures must say whatever the machine: no push lost or sent twice,
the price feed's requests not growing with the number of alerts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.__main__ import main

pytestmark = pytest.mark.integration


def figures(out: Path) -> dict[str, dict[str, Any]]:
    return {f["what"]: f for f in json.loads(out.read_text())["figures"]}


def test_the_alerts_bench_writes_each_figure_with_its_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.json"
    main(["alerts", "--alerts", "40", "--out", str(out)])
    found = figures(out)
    tick = found["40 alerts: one tick of 40 markets"]
    assert tick["baseline_what"] == "naive loop"
    assert tick["ratio"] == pytest.approx(tick["value"] / tick["baseline"])
    assert found["40 alerts: Redis memory per alert"]["value"] > 0
    assert json.loads(out.read_text())["machine"]["nproc"] >= 1
    assert "one tick of 40 markets" in capsys.readouterr().out


def test_the_push_bench_sends_every_push_once(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    main(["push", "--pushes", "20", "--chats", "4", "--out", str(out)])
    found = figures(out)
    assert found["20 pushes to 4 chats: pushes lost or sent twice"]["value"] == 0
    assert found["20 pushes to 4 chats: sent per second"]["baseline"] == 30


def test_the_fanout_and_budget_benches_compare_within_one_run(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    args = ["--rounds", "1", "--latency", "0.05", "--feed-rounds", "1", "--budget-alerts", "30"]
    main(["fanout", "budget", *args, "--out", str(out)])
    found = figures(out)
    fanout = found["/balance report, 4 spot accounts, +50 ms a request"]
    assert fanout["baseline_what"] == "slowest account alone"
    budget = found["indodax: requests a minute, 30 alerts"]
    assert budget["value"] == budget["baseline"] > 0
