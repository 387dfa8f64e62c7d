"""Actions in Redis: confirmation tokens bound to member, chat and parameters; single use; expiry;
every transition atomic, also with many presses at once on two bot copies."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from services.actions.states import ActionState
from services.actions.store import ActionStore, Decision
from services.redis_client import Keys, create_redis
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.integration

CAROL, BOB = 1004, 1002
PARAMS = {"side": "buy", "pair": "BTC/USDT", "amount": "0.5", "price": "30000"}


async def pending(store: ActionStore, ttl_s: float = 60) -> tuple[str, str]:
    action, token = await store.create(
        kind="order", member_id=CAROL, chat_id=CAROL, account="incorex-main", params=PARAMS, ttl_s=ttl_s
    )
    return action.id, token


async def state_of(store: ActionStore, action_id: str) -> ActionState | None:
    action = await store.get(action_id)
    return None if action is None else action.state


async def test_the_member_who_asked_confirms_once(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action_id, token = await pending(store)
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=True) is Decision.OK
    assert await state_of(store, action_id) is ActionState.CONFIRMED
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=True) is Decision.USED
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=False) is Decision.USED
    assert await state_of(store, action_id) is ActionState.CONFIRMED


async def test_anyone_else_or_another_chat_is_refused_and_changes_nothing(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action_id, token = await pending(store)
    assert await store.decide(token, presser_id=BOB, chat_id=CAROL, confirm=True) is Decision.NOT_YOURS
    assert await store.decide(token, presser_id=CAROL, chat_id=-100, confirm=True) is Decision.NOT_YOURS
    assert await state_of(store, action_id) is ActionState.PENDING
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=False) is Decision.OK
    assert await state_of(store, action_id) is ActionState.CANCELLED


async def test_a_press_after_the_deadline_expires_the_action(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action_id, token = await pending(store, ttl_s=0.2)
    await asyncio.sleep(0.3)
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=True) is Decision.EXPIRED
    assert await state_of(store, action_id) is ActionState.EXPIRED


async def test_an_unknown_or_forged_token_is_expired(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    assert await store.decide("forged", presser_id=CAROL, chat_id=CAROL, confirm=True) is Decision.EXPIRED


async def test_parameters_changed_after_the_preview_are_refused(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action_id, token = await pending(store)
    await redis.hset(keys("action", action_id), "hash", "0" * 64)  # type: ignore[misc]
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=True) is Decision.CHANGED
    assert await state_of(store, action_id) is ActionState.PENDING


async def test_fifty_presses_at_once_on_two_copies_confirm_once(redis: Redis, keys: Keys) -> None:
    other_copy = create_redis(REDIS_URL)
    stores = [ActionStore(redis, keys), ActionStore(other_copy, keys)]
    _, token = await pending(stores[0])
    decisions = await asyncio.gather(
        *(stores[i % 2].decide(token, presser_id=CAROL, chat_id=CAROL, confirm=i % 3 != 0) for i in range(50))
    )
    await other_copy.aclose()
    assert decisions.count(Decision.OK) == 1
    assert set(decisions) == {Decision.OK, Decision.USED}
    assert (await stores[0].in_state(ActionState.PENDING)) == []


async def test_a_transition_not_in_the_table_is_refused(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action_id, _ = await pending(store)
    assert not await store.move(action_id, ActionState.SUBMITTED)
    assert not await store.move(action_id, ActionState.COMPLETED)
    assert await store.move(action_id, ActionState.CANCELLED)
    assert not await store.move(action_id, ActionState.CONFIRMED)  # final states stay final
    assert await state_of(store, action_id) is ActionState.CANCELLED


async def test_overdue_pending_actions_expire(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    stale, _ = await pending(store, ttl_s=0.1)
    fresh, _ = await pending(store, ttl_s=60)
    await asyncio.sleep(0.2)
    assert [a.id for a in await store.expire_overdue()] == [stale]
    assert await state_of(store, fresh) is ActionState.PENDING


async def test_a_guarded_action_needs_a_second_confirm(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action, token = await store.create(
        kind="order",
        member_id=CAROL,
        chat_id=CAROL,
        account="incorex-main",
        params=PARAMS,
        ttl_s=60,
        guarded=True,
    )
    assert await store.decide(token, presser_id=BOB, chat_id=CAROL, confirm=True) is Decision.NOT_YOURS
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=True) is Decision.AGAIN
    assert await state_of(store, action.id) is ActionState.PENDING
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=True) is Decision.OK
    assert await state_of(store, action.id) is ActionState.CONFIRMED
