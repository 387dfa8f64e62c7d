"""The Indodax withdrawal callback, with real Redis: "ok" only for the bot's own withdrawal being sent,
with the same details, and only once; everything else is refused and audited."""

from __future__ import annotations

import time

import pytest
from redis.asyncio import Redis

from services.actions.states import ActionState
from services.actions.store import ActionStore, Decision, Vote
from services.audit import AuditLog
from services.exchanges.indodax.callback import WithdrawalCallbacks
from services.redis_client import Keys
from services.withdrawals.callbacks import ApprovedWithdrawalCallbacks

pytestmark = pytest.mark.integration

CAROL, BOB = 1003, 1002
ACCOUNT = "indodax-main"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
PARAMS = {"asset": "BTC", "amount": "0.01", "address": ADDRESS, "idempotent": "1"}
REQUEST_ID = "a1b2c3d4e5f6a7b8c9d0"
CALLBACK = {
    "request_id": REQUEST_ID,
    "withdraw_currency": "btc",
    "withdraw_address": ADDRESS,
    "withdraw_amount": "0.01000000",
    "withdraw_memo": "",
    "requester_ip": "127.0.0.1",
}


async def in_state(store: ActionStore, state: ActionState) -> str:
    action, token = await store.create(
        kind="withdrawal",
        member_id=CAROL,
        chat_id=CAROL,
        account=ACCOUNT,
        params=PARAMS,
        ttl_s=60,
        idempotency_key=REQUEST_ID,
    )
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=True) is Decision.OK
    assert await store.move(action.id, ActionState.AWAITING_APPROVAL, {"expires": repr(time.time() + 60)})
    if state is not ActionState.AWAITING_APPROVAL:
        assert await store.approve(action.id, BOB, eligible=[BOB], required=1) is Vote.APPROVED
        assert await store.move(action.id, ActionState.SUBMITTING)
    return action.id


async def endpoint(redis: Redis, keys: Keys) -> tuple[ApprovedWithdrawalCallbacks, WithdrawalCallbacks]:
    sent = WithdrawalCallbacks(redis, keys("sent"))
    # what the client records just before it sends withdrawCoin
    fields = {"withdraw_currency": "btc", "withdraw_address": ADDRESS, "withdraw_amount": "0.01"}
    await sent.expect(REQUEST_ID, fields)
    return ApprovedWithdrawalCallbacks(
        ACCOUNT, sent, ActionStore(redis, keys), AuditLog(redis, keys), redis, keys
    ), sent


async def reasons(redis: Redis, keys: Keys) -> list[str]:
    entries = await AuditLog(redis, keys).latest(20, action="withdrawal.callback")
    return [str(e.details["reason"]) or str(e.details["answer"]) for e in reversed(entries)]


async def test_ok_once_for_the_bots_own_withdrawal_in_flight(redis: Redis, keys: Keys) -> None:
    await in_state(ActionStore(redis, keys), ActionState.SUBMITTING)
    callbacks, _sent = await endpoint(redis, keys)
    assert (await callbacks.answer(CALLBACK)).text == "ok"
    replay = await callbacks.answer(CALLBACK)
    assert replay.text != "ok"
    assert await reasons(redis, keys) == ["ok", "replay"]


async def test_a_changed_detail_or_an_unknown_id_is_refused(redis: Redis, keys: Keys) -> None:
    await in_state(ActionStore(redis, keys), ActionState.SUBMITTING)
    callbacks, _sent = await endpoint(redis, keys)
    for field, value in (
        ("withdraw_currency", "eth"),
        ("withdraw_address", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
        ("withdraw_amount", "0.02"),
        ("withdraw_memo", "123"),
        ("request_id", "forged0000"),
    ):
        assert (await callbacks.answer({**CALLBACK, field: value})).text != "ok"
    assert await reasons(redis, keys) == [
        "changed_currency",
        "changed_address",
        "changed_amount",
        "changed_memo",
        "unknown_request",
    ]
    # none of them used up the real one
    assert (await callbacks.answer(CALLBACK)).text == "ok"


async def test_a_withdrawal_not_yet_approved_is_refused(redis: Redis, keys: Keys) -> None:
    await in_state(ActionStore(redis, keys), ActionState.AWAITING_APPROVAL)
    callbacks, _sent = await endpoint(redis, keys)
    assert (await callbacks.answer(CALLBACK)).text != "ok"
    assert await reasons(redis, keys) == ["unknown_request"]
