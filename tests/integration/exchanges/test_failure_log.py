"""Operators see exchange trouble: each failed request or call logs one WARNING line naming the account,
the method, the status and the error class, and never a key or secret."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from sandbox.exchanges.common import STATE_KEY, Fault, Seed, SimExchangeState, running
from sandbox.exchanges.incorex import create_app
from services.accounts import Account, across
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.models import Balances
from services.exchanges.transport import RetryPolicy

SEED = Seed.default("incorex")
ALICE = SEED.account("alice")


@pytest.fixture
async def site() -> AsyncIterator[tuple[Account, SimExchangeState]]:
    app = create_app(SEED)
    async with running(app) as base_url:
        config = ClientConfig(
            account="incorex-main",
            credentials=Credentials(ALICE.api_key, ALICE.api_secret),
            base_url=base_url,
            retry=RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.002),
        )
        async with IncorexClient(config) as client:
            yield Account("incorex-main", "incorex", client), app[STATE_KEY]


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


async def balance(account: Account) -> Balances:
    return await account.client.fetch_balance()


async def test_a_rejected_key_logs_one_line_that_says_so(
    site: tuple[Account, SimExchangeState], caplog: pytest.LogCaptureFixture
) -> None:
    account, _ = site
    wrong = IncorexClient(
        ClientConfig(
            account="incorex-main",
            credentials=Credentials("wrong-key", ALICE.api_secret),
            base_url=account.client.base_url,
        )
    )
    async with wrong:
        with caplog.at_level(logging.WARNING, logger="services.exchanges"):
            [result] = await across(
                [Account("incorex-main", "incorex", wrong)], balance, budget=TimeBudget(2)
            )
    assert result.error is not None
    [line] = warnings(caplog)
    for part in ("account=incorex-main", "method=user_info", "status=200", "AuthenticationError"):
        assert part in line
    assert ALICE.api_secret not in caplog.text and "wrong-key" not in caplog.text


async def test_an_answer_the_client_cannot_read_logs_one_line(
    site: tuple[Account, SimExchangeState], caplog: pytest.LogCaptureFixture
) -> None:
    account, state = site
    state.faults.add("user_info", Fault("status", status=200, body='{"unexpected": true}'))
    with caplog.at_level(logging.WARNING, logger="services.exchanges"):
        [result] = await across([account], balance, budget=TimeBudget(2))
    assert result.error is not None
    [line] = warnings(caplog)
    for part in ("account=incorex-main", "method=user_info", "BadResponse"):
        assert part in line
    assert ALICE.api_key not in caplog.text and ALICE.api_secret not in caplog.text
