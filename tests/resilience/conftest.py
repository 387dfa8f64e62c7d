"""The resilience suite: the real bot under exchange faults, Redis restarts, kill -9, leader churn and
hostile input. Its slowest scenario (the leader killed every 30 s for five minutes) runs in a process of
its own, started with the suite's first test, so that its minutes overlap the other tests; its test runs
last and reads the verdict."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.bot_process import ROOT

CHURN_MODULE = "tests.resilience.leader_churn"
CHURN_TEST = "test_leader_churn.py"
CHURN_COLLECTED = pytest.StashKey[bool]()


@dataclass
class Churn:
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session", autouse=True)
def leader_churn(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Churn | None]:
    if not request.config.stash.get(CHURN_COLLECTED, False):  # its test is not in this run
        yield None
        return
    directory = tmp_path_factory.mktemp("leader-churn")
    log = directory / "output.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", CHURN_MODULE, str(directory)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    yield Churn(process, log)
    if process.poll() is None:  # the suite ended early (a failure with -x, an interrupt)
        process.kill()
        process.wait()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The churn's test goes after the other resilience tests, so they run while it churns."""
    churn = [item for item in items if item.path.name == CHURN_TEST]
    config.stash[CHURN_COLLECTED] = bool(churn)
    if not churn:
        return
    rest = [item for item in items if item.path.name != CHURN_TEST]
    last = max((i for i, item in enumerate(rest) if "resilience" in item.path.parts), default=len(rest) - 1)
    items[:] = rest[: last + 1] + churn + rest[last + 1 :]
