"""Reconciliation against the simulators over real HTTP: an order whose answer was lost, or whose sender
died, is never sent again; it is found (by Indodax's client_order_id, elsewhere by matching open and
closed orders) and settled, or left unknown with its candidates for an admin to settle."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from sandbox.exchanges.common import STATE_KEY, Fault, SimExchangeState, running
from sandbox.exchanges.common.seed import Seed
from services.accounts import AccountRegistry
from services.actions.engine import ActionEngine
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore, Decision
from services.audit import AuditLog
from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.models import OrderSide
from services.orders.desk import OrderDesk
from services.orders.lookup import OrderLookup
from services.orders.reconcile import Reconciler, Settled
from services.orders.ticket import OrderRequest
from services.redis_client import Keys

pytestmark = pytest.mark.integration

CAROL, ALICE = 1003, 1001
PAIR = "BTC/USDT"
CREATE_ENDPOINT = {"indodax": "trade", "iqfinex": "order_create"}
LEASE_S = 0.3


@dataclass
class Told:
    """What admins and members were told, in order."""

    unknown: list[str] = field(default_factory=list)
    undecided: list[Action] = field(default_factory=list)
    settled: list[tuple[str, ActionState, int | None]] = field(default_factory=list)


class Alerts:
    def __init__(self) -> None:
        self.told = Told()

    async def unknown(self, action: Action) -> None:
        self.told.unknown.append(action.id)

    async def undecided(self, action: Action) -> None:
        self.told.undecided.append(action)

    async def settled(self, action: Action, admin_id: int | None) -> None:
        self.told.settled.append((action.id, action.state, admin_id))


@dataclass
class Bench:
    exchange: str
    desk: OrderDesk
    store: ActionStore
    reconciler: Reconciler
    sim: SimExchangeState
    told: Told
    audit: AuditLog

    @property
    def account(self) -> str:
        return f"{self.exchange}-main"

    def orders_at_exchange(self) -> int:
        return len(self.sim.orders_of("alice"))

    def lose_the_next_answer(self) -> None:
        """The exchange executes the next order, and the connection drops before its answer."""
        self.sim.faults.add(CREATE_ENDPOINT[self.exchange], Fault("drop", after=True, times=1))

    def price(self, factor: str = "0.97") -> Decimal:
        mid = self.sim.book(PAIR).reference_price()
        assert mid is not None
        return (mid * Decimal(factor)).quantize(Decimal("0.01"))

    async def confirmed(self, amount: str = "0.01", price: Decimal | None = None) -> tuple[str, str]:
        request = OrderRequest(self.account, PAIR, OrderSide.BUY, Decimal(amount), price or self.price())
        previewed = await self.desk.preview(CAROL, CAROL, request)
        assert await self.desk.decide(previewed.token, CAROL, CAROL, confirm=True) is Decision.OK
        return previewed.action_id, previewed.token

    async def lost(self, amount: str = "0.01", price: Decimal | None = None) -> Action:
        """An order sent once whose answer never came back: unknown."""
        _action_id, token = await self.confirmed(amount, price)
        self.lose_the_next_answer()
        outcome = await self.desk.execute(token, CAROL)
        assert outcome.action is not None and outcome.action.state is ActionState.UNKNOWN
        return outcome.action


async def bench_for(
    exchange: str, redis: Redis, keys: Keys, *, not_found_after_s: float = 0.0
) -> AsyncIterator[Bench]:
    module = __import__(f"sandbox.exchanges.{exchange}", fromlist=["create_app"])
    app = module.create_app(Seed.default(exchange))
    async with running(app) as base_url:
        alice = app[STATE_KEY].seed.account("alice")
        config = ClientConfig(
            f"{exchange}-main", Credentials(alice.api_key, alice.api_secret), base_url=base_url
        )
        accounts = AccountRegistry.build([(exchange, config)])
        store = ActionStore(redis, keys, inflight_lease_s=LEASE_S)
        engine = ActionEngine(store)
        audit = AuditLog(redis, keys)
        alerts = Alerts()
        lookup = OrderLookup(accounts, store, not_found_after_s=not_found_after_s)
        reconciler = Reconciler(store, engine, lookup, audit, alerts, interval_s=60)
        desk = OrderDesk(accounts, store, engine, audit, price_guard=Decimal("0.1"), confirm_ttl_s=60)
        try:
            yield Bench(exchange, desk, store, reconciler, app[STATE_KEY], alerts.told, audit)
        finally:
            await accounts.close()


@pytest.fixture
async def indodax(redis: Redis, keys: Keys) -> AsyncIterator[Bench]:
    async for bench in bench_for("indodax", redis, keys):
        yield bench


@pytest.fixture
async def iqfinex(redis: Redis, keys: Keys) -> AsyncIterator[Bench]:
    async for bench in bench_for("iqfinex", redis, keys):
        yield bench


async def test_a_lost_answer_on_indodax_is_settled_by_its_client_order_id(indodax: Bench) -> None:
    before = indodax.orders_at_exchange()
    action = await indodax.lost()
    assert indodax.orders_at_exchange() == before + 1  # it did reach the exchange

    settled = await indodax.reconciler.outcome_unknown(action)

    assert settled is not None and settled.state is ActionState.SUBMITTED
    placed = indodax.sim.order_by_client_id("alice", action.idempotency_key)
    assert placed is not None and settled.exchange_id == placed.id
    assert indodax.orders_at_exchange() == before + 1  # looked up, never sent again
    assert indodax.told.unknown == [action.id]
    assert indodax.told.settled == [(action.id, ActionState.SUBMITTED, None)]
    entries = await indodax.audit.latest(10, action="order.settle")
    assert entries and entries[0].details["exchange_id"] == placed.id


async def test_an_order_whose_sender_died_before_it_reached_indodax_fails(indodax: Bench) -> None:
    before = indodax.orders_at_exchange()
    action_id, _token = await indodax.confirmed()
    assert await indodax.store.begin_submit(action_id, "a copy killed before the request left")
    await asyncio.sleep(LEASE_S * 2)  # its in-flight lease lapses

    left = await indodax.reconciler.run_once()

    assert left == []
    action = await indodax.store.get(action_id)
    assert action is not None and action.state is ActionState.FAILED
    assert indodax.told.unknown == [action_id]  # admins told as soon as it was found
    assert indodax.told.settled == [(action_id, ActionState.FAILED, None)]
    assert indodax.orders_at_exchange() == before


async def test_indodax_saying_no_such_order_too_early_proves_nothing(redis: Redis, keys: Keys) -> None:
    async for bench in bench_for("indodax", redis, keys, not_found_after_s=3600):
        action_id, _token = await bench.confirmed()
        assert await bench.store.begin_submit(action_id, "a copy killed while sending")
        await asyncio.sleep(LEASE_S * 2)
        left = await bench.reconciler.run_once()
        assert [a.id for a in left] == [action_id]
        assert bench.told.undecided == []  # nothing for an admin yet: the next round asks again


async def test_a_lost_answer_elsewhere_is_found_among_the_open_orders(iqfinex: Bench) -> None:
    before = iqfinex.orders_at_exchange()
    action = await iqfinex.lost()

    settled = await iqfinex.reconciler.outcome_unknown(action)

    assert settled is not None and settled.state is ActionState.SUBMITTED
    mine = iqfinex.sim.orders_of("alice")[-1]
    assert settled.exchange_id == mine.id
    assert iqfinex.orders_at_exchange() == before + 1


async def test_two_orders_that_could_be_it_are_left_to_an_admin_who_settles_once(iqfinex: Bench) -> None:
    price = iqfinex.price()
    other = iqfinex.sim.place_order("alice", PAIR, "buy", "limit", Decimal("0.01"), price)  # by hand
    action = await iqfinex.lost(price=price)

    left = await iqfinex.reconciler.outcome_unknown(action)

    assert left is not None and left.state is ActionState.UNKNOWN
    ours = iqfinex.sim.orders_of("alice")[-1]
    assert {c["id"] for c in left.candidates or ()} == {other.id, ours.id}
    assert [a.id for a in iqfinex.told.undecided] == [action.id]
    await iqfinex.reconciler.run_once()
    assert len(iqfinex.told.undecided) == 1  # the same candidates are not asked about again

    pick = [c["id"] for c in left.candidates or ()].index(ours.id)
    first, second = await asyncio.gather(
        iqfinex.reconciler.settle(action.id, ALICE, pick),
        iqfinex.reconciler.settle(action.id, ALICE, None),
    )
    results = {first.result, second.result}  # two admins at one instant: one settles it
    assert Settled.DECIDED in results and results & {Settled.PLACED, Settled.NOT_PLACED}
    final = await iqfinex.store.get(action.id)
    assert final is not None and final.state in (ActionState.SUBMITTED, ActionState.FAILED)
    assert len(iqfinex.told.settled) == 1 and iqfinex.told.settled[0][2] == ALICE
    assert (await iqfinex.reconciler.settle(action.id, ALICE, pick)).result is Settled.DECIDED


async def test_an_order_already_recorded_by_another_action_is_not_a_candidate(iqfinex: Bench) -> None:
    price = iqfinex.price()
    _first_id, token = await iqfinex.confirmed(price=price)
    first = (await iqfinex.desk.execute(token, CAROL)).action
    assert first is not None and first.state is ActionState.SUBMITTED
    action = await iqfinex.lost(price=price)  # the very same parameters

    settled = await iqfinex.reconciler.outcome_unknown(action)

    assert settled is not None and settled.state is ActionState.SUBMITTED
    assert settled.exchange_id not in ("", first.exchange_id)


async def test_an_admin_settles_an_order_with_no_candidate_as_not_placed(iqfinex: Bench) -> None:
    action_id, _token = await iqfinex.confirmed()
    assert await iqfinex.store.begin_submit(action_id, "a copy killed before the request left")
    await asyncio.sleep(LEASE_S * 2)

    left = await iqfinex.reconciler.run_once()

    assert [a.id for a in left] == [action_id] and left[0].candidates == ()
    assert [a.id for a in iqfinex.told.undecided] == [action_id]
    assert (await iqfinex.reconciler.settle(action_id, ALICE, 0)).result is Settled.STALE
    settlement = await iqfinex.reconciler.settle(action_id, ALICE, None)
    assert settlement.result is Settled.NOT_PLACED
    assert settlement.action is not None and settlement.action.state is ActionState.FAILED
    entries = await iqfinex.audit.latest(10, action="order.settle")
    assert entries and entries[0].actor_id == ALICE


async def test_a_confirm_whose_copy_died_before_sending_fails_and_is_never_sent(iqfinex: Bench) -> None:
    before = iqfinex.orders_at_exchange()
    action_id, token = await iqfinex.confirmed()
    await asyncio.sleep(LEASE_S * 2)  # confirmed, then the copy died before begin_submit

    await iqfinex.reconciler.run_once()

    action = await iqfinex.store.get(action_id)
    assert action is not None and action.state is ActionState.FAILED
    assert iqfinex.told.settled == [(action_id, ActionState.FAILED, None)]
    outcome = await iqfinex.desk.execute(token, CAROL)  # a late execute finds nothing to send
    assert not outcome.executed_here
    assert iqfinex.orders_at_exchange() == before


async def test_an_unknown_action_whose_copy_died_before_telling_the_admins_is_told_once(
    iqfinex: Bench,
) -> None:
    action_id, _token = await iqfinex.confirmed()
    assert await iqfinex.store.begin_submit(action_id, "a copy killed while sending")
    await asyncio.sleep(LEASE_S * 2)
    # a copy moved it to unknown and died before telling anyone
    assert await iqfinex.store.orphan(action_id, "the bot stopped while sending")
    await asyncio.sleep(LEASE_S * 2)

    await iqfinex.reconciler.run_once()
    await iqfinex.reconciler.run_once()

    assert iqfinex.told.unknown == [action_id]
    action = await iqfinex.store.get(action_id)
    assert action is not None and action.told


async def test_candidates_noted_by_a_copy_that_died_before_asking_are_asked_again(
    iqfinex: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    price = iqfinex.price()
    iqfinex.sim.place_order("alice", PAIR, "buy", "limit", Decimal("0.01"), price)  # by hand: a candidate
    action = await iqfinex.lost(price=price)

    async def dies(_alerts: Alerts, _action: Action) -> None:
        raise ConnectionError("the copy died while asking the admins")

    with monkeypatch.context() as patched:
        patched.setattr(Alerts, "undecided", dies)
        with pytest.raises(ConnectionError):
            await iqfinex.reconciler.outcome_unknown(action)
    noted = await iqfinex.store.get(action.id)
    assert noted is not None and noted.candidates

    await iqfinex.reconciler.run_once()
    await iqfinex.reconciler.run_once()

    assert [a.id for a in iqfinex.told.undecided] == [action.id]
