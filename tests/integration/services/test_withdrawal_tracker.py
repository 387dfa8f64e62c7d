"""The bot's own withdrawals followed at each exchange (real HTTP, real Redis): nothing is told while the
exchange has not sent it; then its txid and final state once, and the action is completed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from demo.exchanges import DEMO_ACCOUNT, create_simulator, demo_seed_for
from sandbox.exchanges.common import STATE_KEY, SimExchangeState, running
from services.accounts import AccountRegistry
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.models import TransferStatus
from services.redis_client import Keys
from services.watchers.transfers import TransferNews, TransferWatcher
from services.watchers.withdrawals import BotWithdrawals, WithdrawalNews, WithdrawalTracker
from services.withdrawals.allowlist import AddressBook
from services.withdrawals.desk import WITHDRAWAL
from services.withdrawals.policy import PolicyRefused, Rule, WithdrawalPolicy

pytestmark = pytest.mark.integration

ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


@pytest.fixture(params=["incorex", "indodax", "narkasa"])
async def registry(request: pytest.FixtureRequest) -> AsyncIterator[tuple[AccountRegistry, SimExchangeState]]:
    name = request.param
    seed = demo_seed_for(name).replace(drift_interval=0.0)
    app = create_simulator(name, seed)
    async with running(app) as base_url:
        demo = seed.account(DEMO_ACCOUNT)
        credentials = Credentials(demo.api_key, demo.api_secret, demo.api_login)
        accounts = AccountRegistry.build([(name, ClientConfig(f"{name}-main", credentials, base_url))])
        try:
            yield accounts, app[STATE_KEY]
        finally:
            await accounts.close()


async def test_the_txid_and_the_final_state_are_told_once(
    registry: tuple[AccountRegistry, SimExchangeState], redis: Redis, keys: Keys
) -> None:
    accounts, state = registry
    (account,) = list(accounts)
    store = ActionStore(redis, keys)
    params = {"asset": "BTC", "amount": "0.01", "address": ADDRESS}
    action, _token = await store.create(
        kind=WITHDRAWAL, member_id=1003, chat_id=1003, account=account.name, params=params, ttl_s=60
    )
    sent = await account.client.withdraw("BTC", Decimal("0.01"), ADDRESS)
    await store.move(action.id, ActionState.CONFIRMED)
    await store.move(action.id, ActionState.SUBMITTING)
    await store.move(action.id, ActionState.SUBMITTED, {"exchange_id": sent.id})
    told: list[WithdrawalNews] = []

    async def tell(news: WithdrawalNews) -> None:
        told.append(news)

    tracker = WithdrawalTracker(account, store, redis, keys, tell, catch_up_s=86_400)
    await tracker.poll()
    assert told == []
    state.transfers.complete_all()
    await tracker.poll()
    await WithdrawalTracker(account, store, redis, keys, tell, catch_up_s=86_400).poll()  # a restart
    txid = state.transfers.query(DEMO_ACCOUNT, "withdrawal")[-1].txid
    assert [(n.txid, n.status) for n in told] == [(txid, TransferStatus.OK)]
    done = await store.get(action.id)
    assert done is not None and done.state is ActionState.COMPLETED


async def test_a_withdrawal_made_outside_the_bot_is_told_like_a_deposit_and_the_bots_own_is_not(
    registry: tuple[AccountRegistry, SimExchangeState], redis: Redis, keys: Keys
) -> None:
    accounts, state = registry
    (account,) = list(accounts)
    store = ActionStore(redis, keys)
    told: list[TransferNews] = []

    async def tell(news: TransferNews) -> None:
        told.append(news)

    ours = BotWithdrawals(store, catch_up_s=86_400)
    watcher = TransferWatcher(account, redis, keys, tell, catch_up_s=86_400, ours=ours.made)
    await watcher.poll()
    params = {"asset": "BTC", "amount": "0.01", "address": ADDRESS}
    action, _token = await store.create(
        kind=WITHDRAWAL, member_id=1003, chat_id=1003, account=account.name, params=params, ttl_s=60
    )
    await store.move(action.id, ActionState.CONFIRMED)
    await store.move(action.id, ActionState.SUBMITTING)
    sent = await account.client.withdraw("BTC", Decimal("0.01"), ADDRESS)
    await store.move(action.id, ActionState.SUBMITTED, {"exchange_id": sent.id})
    await account.client.withdraw("BTC", Decimal("0.02"), ADDRESS)  # as if on the exchange's site
    state.transfers.complete_all()
    await watcher.poll()
    await watcher.poll()
    assert [(n.outgoing, n.first_seen) for n in told] == [(True, True)]
    (news,) = told  # some exchanges list the amount net of the fee
    assert Decimal("0.02") in (news.transfer.amount, news.transfer.amount + (news.transfer.fee or 0))


async def test_a_withdrawal_the_exchange_fails_releases_its_share_of_the_days_limit(
    registry: tuple[AccountRegistry, SimExchangeState], redis: Redis, keys: Keys
) -> None:
    accounts, state = registry
    (account,) = list(accounts)
    store = ActionStore(redis, keys)
    rule = Rule(account.name, "BTC", max_per_day=Decimal("0.015"))
    policy = WithdrawalPolicy(redis, keys, [rule], AddressBook(redis, keys, delay_s=0))
    params = {"asset": "BTC", "amount": "0.01", "address": ADDRESS}
    action, _token = await store.create(
        kind=WITHDRAWAL, member_id=1003, chat_id=1003, account=account.name, params=params, ttl_s=60
    )
    await policy.reserve(action.id, account.name, "BTC", Decimal("0.01"), ADDRESS)
    sent = await account.client.withdraw("BTC", Decimal("0.01"), ADDRESS)
    await store.move(action.id, ActionState.CONFIRMED)
    await store.move(action.id, ActionState.SUBMITTING)
    await store.move(action.id, ActionState.SUBMITTED, {"exchange_id": sent.id})
    with pytest.raises(PolicyRefused):  # the day's limit holds it while it is on its way
        await policy.check(account.name, "BTC", Decimal("0.01"), ADDRESS)
    told: list[WithdrawalNews] = []

    async def tell(news: WithdrawalNews) -> None:
        told.append(news)

    async def release(ended: Action) -> None:
        await policy.release(ended.id, ended.account, ended.params["asset"])

    (transfer,) = state.transfers.query(DEMO_ACCOUNT, "withdrawal")
    state.transfers.fail(transfer.id)
    tracker = WithdrawalTracker(account, store, redis, keys, tell, catch_up_s=86_400, release=release)
    await tracker.poll()

    failed = await store.get(action.id)
    assert failed is not None and failed.state is ActionState.FAILED
    assert [n.status for n in told] == [TransferStatus.FAILED]
    assert await policy.used(account.name, "BTC") == 0
    await policy.check(account.name, "BTC", Decimal("0.01"), ADDRESS)  # room again
