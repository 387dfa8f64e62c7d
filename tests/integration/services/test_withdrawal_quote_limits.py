"""Withdrawal limits in the portfolio's quote (real HTTP to the Indodax simulator, real Redis): a request
is valued as the portfolio values it (BTC on Indodax is priced in IDR, and reaches USDT through USDT/IDR),
counted at that value for 24 hours with pending requests, and refused before anyone is asked when it is
over a limit or when nothing can value it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from demo.exchanges import DEMO_ACCOUNT, create_simulator, demo_seed_for
from sandbox.exchanges.common import running
from services.accounts import AccountRegistry
from services.actions.engine import ActionEngine
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.audit import AuditLog
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.portfolio import PortfolioService
from services.read_cache import SharedReads
from services.redis_client import Keys
from services.team import Role, TeamDirectory, TeamMember
from services.withdrawals.allowlist import AddressBook
from services.withdrawals.desk import WithdrawalDesk
from services.withdrawals.policy import PolicyProblem, PolicyRefused, Rule, WithdrawalPolicy
from services.withdrawals.request import WithdrawalRequest
from services.withdrawals.requests import WithdrawalRequests

pytestmark = pytest.mark.integration

ACCOUNT, CAROL = "indodax-main", 1003
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


@pytest.fixture
async def portfolio(redis: Redis, keys: Keys) -> AsyncIterator[PortfolioService]:
    seed = demo_seed_for("indodax").replace(drift_interval=0.0)  # prices held still
    async with running(create_simulator("indodax", seed)) as base_url:
        demo = seed.account(DEMO_ACCOUNT)
        credentials = Credentials(demo.api_key, demo.api_secret, demo.api_login)
        accounts = AccountRegistry.build([("indodax", ClientConfig(ACCOUNT, credentials, base_url))])
        reads = SharedReads(redis, keys, max_age_s=0)
        try:
            yield PortfolioService(
                accounts, reads=reads, quote="USDT", dust_threshold=Decimal(1), budget=TimeBudget()
            )
        finally:
            await accounts.close()


def policy_of(redis: Redis, keys: Keys, portfolio: PortfolioService, rule: Rule) -> WithdrawalPolicy:
    book = AddressBook(redis, keys, delay_s=0)
    return WithdrawalPolicy(redis, keys, [rule], book, quote="USDT", value=portfolio.value)


async def test_a_withdrawal_worth_more_than_the_per_transaction_limit_in_the_quote_is_refused(
    redis: Redis, keys: Keys, portfolio: PortfolioService
) -> None:
    worth = await portfolio.value(ACCOUNT, "BTC", Decimal("0.1"))
    assert worth is not None and worth > 0
    policy = policy_of(redis, keys, portfolio, Rule(ACCOUNT, "BTC", max_per_tx_quote=worth / 2))

    with pytest.raises(PolicyRefused) as refused:
        await policy.check(ACCOUNT, "BTC", Decimal("0.1"), ADDRESS)

    assert refused.value.problem is PolicyProblem.PER_TX_QUOTE
    assert refused.value.value == worth and refused.value.quote == "USDT"
    await policy.check(ACCOUNT, "BTC", Decimal("0.04"), ADDRESS)  # under it: allowed


async def test_the_daily_limit_in_the_quote_counts_pending_requests_at_their_value_and_frees_released_ones(
    redis: Redis, keys: Keys, portfolio: PortfolioService
) -> None:
    worth = await portfolio.value(ACCOUNT, "BTC", Decimal("0.1"))
    assert worth is not None
    policy = policy_of(redis, keys, portfolio, Rule(ACCOUNT, "BTC", max_per_day_quote=worth * 3 / 2))
    await policy.reserve("first", ACCOUNT, "BTC", Decimal("0.1"), ADDRESS)  # awaiting approval

    with pytest.raises(PolicyRefused) as refused:
        await policy.reserve("second", ACCOUNT, "BTC", Decimal("0.1"), ADDRESS)

    assert refused.value.problem is PolicyProblem.PER_DAY_QUOTE and refused.value.used == worth
    assert await policy.used_value(ACCOUNT, "BTC") == worth
    await policy.release("first", ACCOUNT, "BTC")  # e.g. rejected
    await policy.reserve("second", ACCOUNT, "BTC", Decimal("0.1"), ADDRESS)


async def test_a_request_nothing_can_value_is_refused_where_a_quote_limit_applies(
    redis: Redis, keys: Keys, portfolio: PortfolioService
) -> None:
    policy = policy_of(redis, keys, portfolio, Rule(ACCOUNT, "NOPE", max_per_day_quote=Decimal(1000)))
    with pytest.raises(PolicyRefused) as refused:
        await policy.check(ACCOUNT, "NOPE", Decimal(1), ADDRESS)
    assert refused.value.problem is PolicyProblem.UNPRICED


async def test_the_desk_refuses_it_before_a_preview_exists_or_anyone_is_asked(
    redis: Redis, keys: Keys, portfolio: PortfolioService
) -> None:
    worth = await portfolio.value(ACCOUNT, "BTC", Decimal("0.1"))
    assert worth is not None
    store = ActionStore(redis, keys)
    audit = AuditLog(redis, keys)
    team = TeamDirectory([TeamMember(CAROL, "carol", Role.TRADER), TeamMember(1002, "bob", Role.APPROVER)])
    desk = WithdrawalDesk(
        portfolio.accounts,
        store,
        ActionEngine(store),
        audit,
        policy_of(redis, keys, portfolio, Rule(ACCOUNT, "BTC", max_per_tx_quote=worth / 2)),
        team,
        WithdrawalRequests(redis, keys, store),
        approvals_required=1,
        approval_timeout_s=60,
        confirm_ttl_s=60,
    )

    with pytest.raises(PolicyRefused):
        await desk.preview(CAROL, CAROL, WithdrawalRequest(ACCOUNT, "BTC", Decimal("0.1"), ADDRESS))

    assert await store.in_state(ActionState.PENDING) == []
    entries = await audit.latest(10)
    assert [e.action for e in entries] == ["withdrawal.refused"]
    assert entries[0].details["problem"] == PolicyProblem.PER_TX_QUOTE.value
