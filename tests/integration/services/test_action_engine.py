"""Execution exactly once: one send however many copies press at once; a lost answer is unknown and
never re-sent; a cancelled caller does not cut the write; a copy killed while sending leaves the action
to be found unknown."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from services.actions.engine import ActionEngine, Executed
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges import errors
from services.redis_client import Keys, create_redis
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.integration

CAROL = 1004


class Exchange:
    """Counts the writes it receives; answers as told."""

    def __init__(self, answer: Exception | None = None, delay_s: float = 0.0) -> None:
        self.received: list[str] = []
        self.answer = answer
        self.delay_s = delay_s

    async def send(self, action: Action) -> Executed:
        self.received.append(action.id)
        await asyncio.sleep(self.delay_s)
        if self.answer is not None:
            raise self.answer
        return Executed(exchange_id=f"order-{len(self.received)}")


async def confirmed(store: ActionStore) -> str:
    action, token = await store.create(
        kind="order", member_id=CAROL, chat_id=CAROL, account="incorex-main", params={"a": "1"}, ttl_s=60
    )
    await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=True)
    return action.id


async def state_of(store: ActionStore, action_id: str) -> ActionState | None:
    action = await store.get(action_id)
    return None if action is None else action.state


async def test_a_confirmed_action_is_sent_once_and_recorded_submitted(redis: Redis, keys: Keys) -> None:
    store, exchange = ActionStore(redis, keys), Exchange()
    action_id = await confirmed(store)
    outcome = await ActionEngine(store).execute(action_id, exchange.send)
    assert outcome.executed_here and outcome.action is not None
    assert (outcome.action.state, outcome.action.exchange_id) == (ActionState.SUBMITTED, "order-1")
    again = await ActionEngine(store).execute(action_id, exchange.send)
    assert not again.executed_here
    assert exchange.received == [action_id]


async def test_fifty_executions_at_once_on_two_copies_send_once(redis: Redis, keys: Keys) -> None:
    other = create_redis(REDIS_URL)
    engines = [ActionEngine(ActionStore(redis, keys)), ActionEngine(ActionStore(other, keys))]
    exchange = Exchange(delay_s=0.05)
    action_id = await confirmed(engines[0].store)
    outcomes = await asyncio.gather(*(engines[i % 2].execute(action_id, exchange.send) for i in range(50)))
    await other.aclose()
    assert exchange.received == [action_id]
    assert [o.executed_here for o in outcomes].count(True) == 1


async def test_an_action_not_confirmed_is_never_sent(redis: Redis, keys: Keys) -> None:
    store, exchange = ActionStore(redis, keys), Exchange()
    action, _ = await store.create(
        kind="order", member_id=CAROL, chat_id=CAROL, account="incorex-main", params={"a": "1"}, ttl_s=60
    )
    outcome = await ActionEngine(store).execute(action.id, exchange.send)
    assert not outcome.executed_here and exchange.received == []
    assert await state_of(store, action.id) is ActionState.PENDING


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        (errors.OutcomeUnknown("502 after sending", exchange="incorex"), ActionState.UNKNOWN),
        (RuntimeError("bug after the request left"), ActionState.UNKNOWN),
        (errors.InsufficientFunds("not enough USDT", exchange="incorex"), ActionState.FAILED),
    ],
)
async def test_the_answer_decides_failed_or_unknown(
    redis: Redis, keys: Keys, answer: Exception, state: ActionState
) -> None:
    store, exchange = ActionStore(redis, keys), Exchange(answer=answer)
    action_id = await confirmed(store)
    outcome = await ActionEngine(store).execute(action_id, exchange.send)
    assert outcome.action is not None and outcome.action.state is state
    assert outcome.action.error
    assert len(exchange.received) == 1
    # nothing re-sends it: another execute finds it already taken
    await ActionEngine(store).execute(action_id, exchange.send)
    assert len(exchange.received) == 1


async def test_a_cancelled_caller_does_not_cut_the_write_short(redis: Redis, keys: Keys) -> None:
    store, exchange = ActionStore(redis, keys), Exchange(delay_s=0.3)
    action_id = await confirmed(store)
    caller = asyncio.create_task(ActionEngine(store).execute(action_id, exchange.send))
    await asyncio.sleep(0.1)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    for _ in range(100):
        if await state_of(store, action_id) is ActionState.SUBMITTED:
            break
        await asyncio.sleep(0.02)
    assert await state_of(store, action_id) is ActionState.SUBMITTED


async def test_an_action_whose_sender_died_becomes_unknown_and_one_still_sending_does_not(
    redis: Redis, keys: Keys
) -> None:
    store = ActionStore(redis, keys, inflight_lease_s=0.3)
    engine = ActionEngine(store)
    dead = await confirmed(store)
    assert await store.begin_submit(dead, "a copy that is then killed")  # and never sends an answer
    slow = Exchange(delay_s=1.0)
    alive = await confirmed(store)
    sending = asyncio.create_task(engine.execute(alive, slow.send))
    await asyncio.sleep(0.5)  # the dead copy's lease has lapsed; the live one keeps renewing
    assert [a.id for a in await engine.orphans()] == [dead]
    assert await state_of(store, dead) is ActionState.UNKNOWN
    await sending
    assert await state_of(store, alive) is ActionState.SUBMITTED
