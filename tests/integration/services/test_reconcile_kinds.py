"""Reconciliation of the kinds beyond orders against the simulators over real HTTP: a cancel, a bid, a bid's
cancel and a withdrawal whose answer was lost are never sent again; each is looked up at the exchange and
settled (completed, submitted or failed), or left unknown with its candidates when the lookup cannot
decide."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from demo.exchanges import DEMO_ACCOUNT, create_simulator, demo_seed_for
from sandbox.exchanges.common import STATE_KEY, Fault, SimExchangeState, running
from sandbox.exchanges.common.seed import Seed
from services.accounts import AccountRegistry
from services.actions.engine import ActionEngine, Executed
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore, Decision
from services.audit import AuditLog
from services.bids import BID, BID_CANCEL, BidDesk, BidLookup, BidRequest
from services.exchanger_desk import ExchangerDesk
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.budget import TimeBudget
from services.exchanges.models import OrderSide, OrderStatus
from services.orders.desk import CANCEL, OrderDesk
from services.orders.lookup import CancelLookup, OrderLookup
from services.orders.reconcile import Reconciler
from services.orders.ticket import OrderRequest
from services.redis_client import Keys
from services.watchers.withdrawals import WithdrawalNews, WithdrawalTracker
from services.withdrawals.desk import WITHDRAWAL
from services.withdrawals.lookup import WithdrawalLookup

pytestmark = pytest.mark.integration

CAROL, ALICE = 1003, 1001
PAIR = "BTC/USDT"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
WITHDRAW_ENDPOINT = {
    "incorex": "withdraw_crypt",
    "indodax": "withdrawCoin",
    "narkasa": "balance/create-withdraw",
}


class Alerts:
    """What admins and members were told."""

    def __init__(self) -> None:
        self.unknowns: list[str] = []
        self.undecided_ones: list[Action] = []
        self.settled_ones: list[tuple[str, ActionState]] = []

    async def unknown(self, action: Action) -> None:
        self.unknowns.append(action.id)

    async def undecided(self, action: Action) -> None:
        self.undecided_ones.append(action)

    async def settled(self, action: Action, admin_id: int | None) -> None:
        self.settled_ones.append((action.id, action.state))


@dataclass
class Bench:
    name: str
    accounts: AccountRegistry
    store: ActionStore
    engine: ActionEngine
    desk: OrderDesk
    reconciler: Reconciler
    sim: SimExchangeState
    told: Alerts
    released: list[str]

    @property
    def account(self) -> str:
        return f"{self.name}-main"


async def bench_for(name: str, seed: Seed, user: str, redis: Redis, keys: Keys) -> AsyncIterator[Bench]:
    app = create_simulator(name, seed)
    async with running(app) as base_url:
        account = seed.account(user)
        credentials = Credentials(account.api_key, account.api_secret, account.api_login)
        accounts = AccountRegistry.build([(name, ClientConfig(f"{name}-main", credentials, base_url))])
        store = ActionStore(redis, keys, inflight_lease_s=0.3)
        engine = ActionEngine(store)
        audit = AuditLog(redis, keys)
        exchanger = ExchangerDesk(accounts, redis, keys, budget=TimeBudget(5))
        bids = BidDesk(exchanger, store, audit, confirm_ttl_s=60)
        bid_lookup = BidLookup(exchanger, not_found_after_s=0)
        told = Alerts()
        released: list[str] = []

        async def release(action: Action) -> None:
            released.append(action.id)

        reconciler = Reconciler(
            store,
            engine,
            OrderLookup(accounts, store, not_found_after_s=0),
            audit,
            told,
            interval_s=60,
            finders={
                CANCEL: CancelLookup(accounts, not_found_after_s=0),
                BID: bid_lookup,
                BID_CANCEL: bid_lookup,
                WITHDRAWAL: WithdrawalLookup(accounts, store),
            },
            on_failed={WITHDRAWAL: release},
        )
        desk = OrderDesk(
            accounts,
            store,
            engine,
            audit,
            price_guard=Decimal("0.1"),
            confirm_ttl_s=60,
            senders={BID: bids.send_bid, BID_CANCEL: bids.send_cancel},
        )
        try:
            yield Bench(name, accounts, store, engine, desk, reconciler, app[STATE_KEY], told, released)
        finally:
            await accounts.close()


@pytest.fixture
async def iqfinex(redis: Redis, keys: Keys) -> AsyncIterator[Bench]:
    async for bench in bench_for("iqfinex", Seed.default("iqfinex"), "alice", redis, keys):
        yield bench


@pytest.fixture
async def exchanger(redis: Redis, keys: Keys) -> AsyncIterator[Bench]:
    async for bench in bench_for("exchanger", Seed.default("exchanger"), "alice", redis, keys):
        yield bench


@pytest.fixture(params=["incorex", "indodax", "narkasa"])
async def wallet(request: pytest.FixtureRequest, redis: Redis, keys: Keys) -> AsyncIterator[Bench]:
    seed = demo_seed_for(request.param).replace(drift_interval=0.0)
    async for bench in bench_for(request.param, seed, DEMO_ACCOUNT, redis, keys):
        yield bench


async def unknown_after(bench: Bench, token: str) -> Action:
    outcome = await bench.desk.execute(token, CAROL)
    assert outcome.action is not None and outcome.action.state is ActionState.UNKNOWN
    return outcome.action


# -- cancels -----------------------------------------------------------------------------------------


async def cancel_of_an_open_order(bench: Bench) -> str:
    mid = bench.sim.book(PAIR).reference_price()
    assert mid is not None
    price = (mid * Decimal("0.9")).quantize(Decimal("0.01"))
    order = bench.sim.place_order("alice", PAIR, "buy", "limit", Decimal("0.01"), price)
    previewed = await bench.desk.preview_cancel(CAROL, CAROL, bench.account, order.id)
    assert await bench.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.OK
    return previewed.token


async def test_a_cancel_whose_answer_was_lost_is_found_done_and_completed(iqfinex: Bench) -> None:
    token = await cancel_of_an_open_order(iqfinex)
    iqfinex.sim.faults.add("order_cancel", Fault("drop", after=True, times=1))
    action = await unknown_after(iqfinex, token)

    settled = await iqfinex.reconciler.check(action)

    assert settled is not None and settled.state is ActionState.COMPLETED
    assert iqfinex.sim.requests.count("order_cancel", write=True) == 1  # never sent again
    assert iqfinex.told.settled_ones == [(action.id, ActionState.COMPLETED)]


async def test_a_cancel_that_never_reached_the_exchange_fails_as_the_order_is_still_open(
    iqfinex: Bench,
) -> None:
    token = await cancel_of_an_open_order(iqfinex)
    iqfinex.sim.faults.add("order_cancel", Fault("drop", times=1))  # dropped before the exchange acts
    action = await unknown_after(iqfinex, token)

    settled = await iqfinex.reconciler.check(action)

    assert settled is not None and settled.state is ActionState.FAILED
    assert "still open" in settled.error
    assert iqfinex.sim.requests.count("order_cancel", write=True) == 1


# -- bids --------------------------------------------------------------------------------------------

BTC_USDT, WALLET_TO = "1", "TXsimulatedwallet0001"


async def confirmed_bid(bench: Bench, redis: Redis, keys: Keys) -> str:
    audit = AuditLog(redis, keys)
    exchanger = ExchangerDesk(bench.accounts, redis, keys, budget=TimeBudget(5))
    bids = BidDesk(exchanger, bench.store, audit, confirm_ttl_s=60)
    request = BidRequest(bench.account, BTC_USDT, Decimal("0.01"), WALLET_TO)
    previewed = await bids.preview(CAROL, CAROL, request)
    assert await bench.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.OK
    return previewed.token


async def test_a_bid_whose_answer_was_lost_is_found_by_its_api_id(
    exchanger: Bench, redis: Redis, keys: Keys
) -> None:
    token = await confirmed_bid(exchanger, redis, keys)
    exchanger.sim.faults.add("create_bid", Fault("drop", after=True, times=1))
    action = await unknown_after(exchanger, token)

    settled = await exchanger.reconciler.check(action)

    assert settled is not None and settled.state is ActionState.SUBMITTED
    site_bids = exchanger.sim.requests.count("create_bid", write=True)
    assert site_bids == 1
    client = exchanger.accounts.get(exchanger.account).client
    found = await client.find_bid_by_api_id(action.idempotency_key)  # type: ignore[attr-defined]
    assert found is not None and settled.exchange_id == found.id


async def test_a_bid_the_site_never_took_fails(exchanger: Bench, redis: Redis, keys: Keys) -> None:
    token = await confirmed_bid(exchanger, redis, keys)
    exchanger.sim.faults.add("create_bid", Fault("status", status=502, times=1))  # before the site acts
    action = await unknown_after(exchanger, token)

    settled = await exchanger.reconciler.check(action)

    assert settled is not None and settled.state is ActionState.FAILED
    assert "api_id" in settled.error
    assert exchanger.told.settled_ones == [(action.id, ActionState.FAILED)]


async def test_a_bid_cancel_whose_answer_was_lost_is_found_by_the_bids_status(
    exchanger: Bench, redis: Redis, keys: Keys
) -> None:
    outcome = await exchanger.desk.execute(await confirmed_bid(exchanger, redis, keys), CAROL)
    assert outcome.action is not None and outcome.action.state is ActionState.SUBMITTED
    exchanger_desk = ExchangerDesk(exchanger.accounts, redis, keys, budget=TimeBudget(5))
    bids = BidDesk(exchanger_desk, exchanger.store, AuditLog(redis, keys), confirm_ttl_s=60)
    previewed = await bids.preview_cancel(CAROL, CAROL, exchanger.account, outcome.action.exchange_id)
    assert await exchanger.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.OK
    exchanger.sim.faults.add("cancel_bid", Fault("drop", after=True, times=1))
    action = await unknown_after(exchanger, previewed.token)

    settled = await exchanger.reconciler.check(action)

    assert settled is not None and settled.state is ActionState.COMPLETED
    assert exchanger.sim.requests.count("cancel_bid", write=True) == 1


# -- withdrawals -------------------------------------------------------------------------------------


async def lost_withdrawal(bench: Bench, amount: str, *, after: bool = True) -> Action:
    """A withdrawal sent once through the engine whose answer never came back."""
    params = {"asset": "BTC", "amount": amount, "address": ADDRESS}
    action, _token = await bench.store.create(
        kind=WITHDRAWAL, member_id=CAROL, chat_id=CAROL, account=bench.account, params=params, ttl_s=60
    )
    await bench.store.move(action.id, ActionState.CONFIRMED)
    client = bench.accounts.get(bench.account).client

    async def send(sent: Action) -> Executed:
        withdrawal = await client.withdraw("BTC", Decimal(amount), ADDRESS)
        return Executed(exchange_id=withdrawal.id)

    bench.sim.faults.add(WITHDRAW_ENDPOINT[bench.name], Fault("drop", after=after, times=1))
    outcome = await bench.engine.execute(action.id, send)
    assert outcome.action is not None and outcome.action.state is ActionState.UNKNOWN
    return outcome.action


def withdrawals_at(bench: Bench) -> int:
    return len(bench.sim.transfers.query(DEMO_ACCOUNT, "withdrawal"))


async def test_a_withdrawal_whose_answer_was_lost_is_found_in_the_history_and_then_followed(
    wallet: Bench, redis: Redis, keys: Keys
) -> None:
    action = await lost_withdrawal(wallet, "0.0123")
    assert withdrawals_at(wallet) == 1

    settled = await wallet.reconciler.check(action)

    assert settled is not None and settled.state is ActionState.SUBMITTED and settled.exchange_id
    assert wallet.told.settled_ones == [(action.id, ActionState.SUBMITTED)]
    told: list[WithdrawalNews] = []

    async def tell(news: WithdrawalNews) -> None:
        told.append(news)

    wallet.sim.transfers.complete_all()
    account = wallet.accounts.get(wallet.account)
    await WithdrawalTracker(account, wallet.store, redis, keys, tell, catch_up_s=86_400).poll()
    done = await wallet.store.get(action.id)
    assert done is not None and done.state is ActionState.COMPLETED
    assert withdrawals_at(wallet) == 1  # never sent again


async def test_a_lost_withdrawal_with_a_twin_at_the_exchange_stays_unknown_with_both_as_candidates(
    wallet: Bench,
) -> None:
    client = wallet.accounts.get(wallet.account).client
    await client.withdraw("BTC", Decimal("0.0124"), ADDRESS)  # the same, made by hand on the site
    action = await lost_withdrawal(wallet, "0.0124")

    left = await wallet.reconciler.check(action)

    assert left is not None and left.state is ActionState.UNKNOWN
    # both, each listed once (IncoreX's history, without ids, makes two in one second look alike)
    history = await client.fetch_withdrawals("BTC")
    assert left.candidates is not None and len(left.candidates) == len({w.id for w in history}) >= 1
    assert [a.id for a in wallet.told.undecided_ones] == [action.id]
    assert withdrawals_at(wallet) == 2


async def test_a_withdrawal_that_never_reached_the_exchange_stays_unknown_for_an_admin(wallet: Bench) -> None:
    action = await lost_withdrawal(wallet, "0.0125", after=False)
    assert withdrawals_at(wallet) == 0

    left = await wallet.reconciler.check(action)

    assert left is not None and left.state is ActionState.UNKNOWN and left.candidates == ()
    assert wallet.released == []  # nothing is decided, so nothing is released


async def test_a_withdrawal_an_admin_settles_as_not_sent_releases_its_share_of_the_limit(
    wallet: Bench,
) -> None:
    action = await lost_withdrawal(wallet, "0.0126", after=False)
    await wallet.reconciler.check(action)

    settlement = await wallet.reconciler.settle(action.id, ALICE, None)

    assert settlement.action is not None and settlement.action.state is ActionState.FAILED
    assert wallet.released == [action.id]


async def test_an_order_kind_is_still_found_as_before(iqfinex: Bench) -> None:
    """The generic settle keeps an order's exchange id and facts."""
    mid = iqfinex.sim.book(PAIR).reference_price()
    assert mid is not None
    price = (mid * Decimal("0.95")).quantize(Decimal("0.01"))
    request = OrderRequest(iqfinex.account, PAIR, OrderSide.BUY, Decimal("0.0127"), price)
    previewed = await iqfinex.desk.preview(CAROL, CAROL, request)
    assert await iqfinex.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.OK
    iqfinex.sim.faults.add("order_create", Fault("drop", after=True, times=1))
    action = await unknown_after(iqfinex, previewed.token)

    settled = await iqfinex.reconciler.check(action)

    assert settled is not None and settled.state is ActionState.SUBMITTED
    assert settled.exchange_id == iqfinex.sim.orders_of("alice")[-1].id
    assert settled.result["status"] == OrderStatus.OPEN.value
