"""Two copies of the real bot, the leader killed every 30 s for five minutes: every alert and watcher
event pushed exactly once (tests/resilience/leader_churn.py, run beside the rest of the suite)."""

from __future__ import annotations

import subprocess

import pytest

from tests.resilience.conftest import Churn
from tests.resilience.leader_churn import DURATION_S

pytestmark = pytest.mark.resilience

# the run itself, then waiting for the last pushes and stopping everything
VERDICT_TIMEOUT_S = DURATION_S + 300


def test_every_alert_and_deposit_is_pushed_once_while_the_leader_is_killed_every_30_s(
    leader_churn: Churn | None,
) -> None:
    assert leader_churn is not None
    try:
        code = leader_churn.process.wait(timeout=VERDICT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"no verdict after {VERDICT_TIMEOUT_S}s:\n{leader_churn.output[-5000:]}"
        ) from None
    print(leader_churn.output[-300:])
    assert code == 0, leader_churn.output[-8000:]
