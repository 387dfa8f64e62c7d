"""Withdrawal approvals in Redis: the quorum is counted atomically, the requester, a non-approver, a
duplicate or a late press changes nothing, and fifty presses on two bot copies send it once."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal
from typing import cast

import pytest
from redis.asyncio import Redis

from services.accounts import Account, AccountRegistry
from services.actions.engine import ActionEngine, Executed
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore, Decision, Vote
from services.audit import AuditLog
from services.exchanges.base import ExchangeClient
from services.exchanges.models import TransferStatus, Withdrawal
from services.redis_client import Keys, create_redis
from services.team import Role, TeamDirectory, TeamMember
from services.withdrawals.allowlist import AddressBook, EntryVote
from services.withdrawals.desk import WithdrawalDesk
from services.withdrawals.policy import PolicyProblem, PolicyRefused, Rule, WithdrawalPolicy
from services.withdrawals.requests import WithdrawalRequests
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.integration

CAROL, BOB, ALICE, DAVE = 1003, 1002, 1001, 1005
APPROVERS = [BOB, ALICE]
PARAMS = {"asset": "BTC", "amount": "0.1", "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}


async def awaiting(store: ActionStore, timeout_s: float = 60) -> str:
    action, token = await store.create(
        kind="withdrawal", member_id=CAROL, chat_id=CAROL, account="indodax-main", params=PARAMS, ttl_s=60
    )
    assert await store.decide(token, presser_id=CAROL, chat_id=CAROL, confirm=True) is Decision.OK
    deadline = {"expires": repr(time.time() + timeout_s)}
    assert await store.move(action.id, ActionState.AWAITING_APPROVAL, deadline)
    return action.id


async def state_of(store: ActionStore, action_id: str) -> ActionState:
    action = await store.get(action_id)
    assert action is not None
    return action.state


async def test_only_other_approvers_count_once_each(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action_id = await awaiting(store)

    async def approve(who: int) -> Vote:
        return await store.approve(action_id, who, eligible=APPROVERS, required=2)

    assert await approve(CAROL) is Vote.OWN
    assert await approve(DAVE) is Vote.NOT_APPROVER
    assert await approve(BOB) is Vote.COUNTED
    assert await approve(BOB) is Vote.DUPLICATE
    assert await state_of(store, action_id) is ActionState.AWAITING_APPROVAL
    assert await approve(ALICE) is Vote.APPROVED
    assert await state_of(store, action_id) is ActionState.APPROVED
    assert await store.approvers(action_id) == {BOB, ALICE}
    assert await store.reject(action_id, BOB, "late", eligible=APPROVERS) is Vote.DECIDED


async def test_a_confirmed_withdrawal_is_not_sendable_before_approval(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action_id = await awaiting(store)
    sent: list[str] = []

    async def send(action: Action) -> Executed:
        sent.append(action.id)
        return Executed(exchange_id="w1")

    outcome = await ActionEngine(store).execute(action_id, send, ready=ActionState.APPROVED)
    assert not outcome.executed_here and sent == []
    # nor through the orders' path, which sends from "confirmed"
    assert not (await ActionEngine(store).execute(action_id, send)).executed_here
    assert sent == []


async def test_an_overdue_request_expires_on_the_press_and_is_never_sent(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action_id = await awaiting(store, timeout_s=0.2)
    await asyncio.sleep(0.3)
    assert await store.approve(action_id, BOB, eligible=APPROVERS, required=1) is Vote.EXPIRED
    assert await state_of(store, action_id) is ActionState.EXPIRED
    assert await store.approve(action_id, ALICE, eligible=APPROVERS, required=1) is Vote.DECIDED


async def test_the_requester_cannot_reject_and_an_approver_can(redis: Redis, keys: Keys) -> None:
    store = ActionStore(redis, keys)
    action_id = await awaiting(store)
    assert await store.reject(action_id, CAROL, "mine", eligible=APPROVERS) is Vote.OWN
    assert await store.reject(action_id, BOB, "wrong address", eligible=APPROVERS) is Vote.REJECTED
    action = await store.get(action_id)
    assert action is not None and action.state is ActionState.REJECTED and action.error == "wrong address"
    assert await store.approve(action_id, ALICE, eligible=APPROVERS, required=1) is Vote.DECIDED


async def test_fifty_approvals_on_two_copies_send_once(redis: Redis, keys: Keys) -> None:
    other = create_redis(REDIS_URL)  # the second bot copy's own connection
    try:
        copies = [ActionStore(redis, keys), ActionStore(other, keys)]
        engines = [ActionEngine(store) for store in copies]
        action_id = await awaiting(copies[0])
        sent: list[str] = []

        async def send(action: Action) -> Executed:
            sent.append(action.id)
            await asyncio.sleep(0.05)
            return Executed(exchange_id="w1")

        async def press(i: int) -> bool:
            store, engine = copies[i % 2], engines[i % 2]
            vote = await store.approve(action_id, APPROVERS[i % 2], eligible=APPROVERS, required=2)
            if vote is not Vote.APPROVED:
                return False
            return (await engine.execute(action_id, send, ready=ActionState.APPROVED)).executed_here

        executed = await asyncio.gather(*(press(i) for i in range(50)))
        assert sum(executed) == 1
        assert sent == [action_id]
        assert await state_of(copies[1], action_id) is ActionState.SUBMITTED
    finally:
        await other.aclose()


async def test_the_daily_limit_holds_under_concurrent_confirms(redis: Redis, keys: Keys) -> None:
    rule = Rule("indodax-main", "BTC", max_per_tx=Decimal("0.5"), max_per_day=Decimal(1))
    policy = WithdrawalPolicy(redis, keys, [rule], AddressBook(redis, keys, delay_s=0))
    address = PARAMS["address"]

    async def reserve(i: int) -> bool:
        try:
            await policy.reserve(f"a{i}", "indodax-main", "BTC", Decimal("0.3"), address)
        except PolicyRefused as refused:
            assert refused.problem is PolicyProblem.PER_DAY
            return False
        return True

    taken = await asyncio.gather(*(reserve(i) for i in range(10)))
    assert sum(taken) == 3
    assert await policy.used("indodax-main", "BTC") == Decimal("0.9")
    await policy.release(f"a{taken.index(True)}", "indodax-main", "BTC")  # e.g. rejected
    assert await policy.used("indodax-main", "BTC") == Decimal("0.6")
    with pytest.raises(PolicyRefused) as refused:
        await policy.check("indodax-main", "BTC", Decimal("0.6"), address)
    assert refused.value.problem is PolicyProblem.PER_TX


async def test_an_address_outside_the_allowlist_is_refused(redis: Redis, keys: Keys) -> None:
    rule = Rule("indodax-main", "BTC", addresses=frozenset({PARAMS["address"]}))
    policy = WithdrawalPolicy(redis, keys, [rule], AddressBook(redis, keys, delay_s=0))
    await policy.check("indodax-main", "BTC", Decimal(5), PARAMS["address"])
    with pytest.raises(PolicyRefused) as refused:
        await policy.check("indodax-main", "BTC", Decimal(5), "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")
    assert refused.value.problem is PolicyProblem.NOT_ALLOWLISTED


class CountingClient:
    """Stands in for an exchange client: counts withdrawals."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def withdraw(self, asset: str, amount: Decimal, address: str, **options: str | None) -> Withdrawal:
        self.sent.append(address)
        return Withdrawal(id=f"w{len(self.sent)}", asset=asset, amount=amount, status=TransferStatus.PENDING)


def make_desk(
    redis: Redis, keys: Keys, client: CountingClient | None = None
) -> tuple[WithdrawalDesk, ActionStore]:
    store = ActionStore(redis, keys)
    team = TeamDirectory([TeamMember(CAROL, "carol", Role.TRADER), TeamMember(BOB, "bob", Role.APPROVER)])
    fake = cast(ExchangeClient, client or CountingClient())
    desk = WithdrawalDesk(
        AccountRegistry([Account("indodax-main", "indodax", fake)]),
        store,
        ActionEngine(store),
        AuditLog(redis, keys),
        WithdrawalPolicy(redis, keys, [], AddressBook(redis, keys, delay_s=0)),
        team,
        WithdrawalRequests(redis, keys, store),
        approvals_required=1,
        approval_timeout_s=60,
        confirm_ttl_s=60,
    )
    return desk, store


async def test_an_order_token_never_decides_a_withdrawal_flow(redis: Redis, keys: Keys) -> None:
    desk, store = make_desk(redis, keys)
    order, token = await store.create(
        kind="order",
        member_id=CAROL,
        chat_id=CAROL,
        account="indodax-main",
        params={"pair": "BTC/IDR"},
        ttl_s=60,
    )
    confirmed = await desk.decide(token, CAROL, CAROL, confirm=True)
    assert confirmed.decision is Decision.EXPIRED
    assert await state_of(store, order.id) is ActionState.PENDING


async def test_an_approved_request_left_unsent_by_a_stopped_copy_is_sent_once(
    redis: Redis, keys: Keys
) -> None:
    client = CountingClient()
    desk, store = make_desk(redis, keys, client)
    action_id = await awaiting(store)
    # the quorum was reached, then the copy stopped before sending
    assert await store.approve(action_id, BOB, eligible=[BOB], required=1) is Vote.APPROVED
    resumed = await asyncio.gather(*(desk.resume_approved(older_than_s=0) for _ in range(5)))
    assert [a.id for batch in resumed for a in batch] == [action_id]
    assert client.sent == [PARAMS["address"]]
    assert await state_of(store, action_id) is ActionState.SUBMITTED


async def test_an_approved_request_left_unsent_past_its_deadline_expires(redis: Redis, keys: Keys) -> None:
    client = CountingClient()
    desk, store = make_desk(redis, keys, client)
    action_id = await awaiting(store, timeout_s=0.3)
    assert await store.approve(action_id, BOB, eligible=[BOB], required=1) is Vote.APPROVED
    await asyncio.sleep(0.4)
    assert [a.state for a in await desk.resume_approved(older_than_s=0)] == [ActionState.EXPIRED]
    assert client.sent == []


async def test_an_added_address_needs_another_admin_and_the_delay(redis: Redis, keys: Keys) -> None:
    book = AddressBook(redis, keys, delay_s=0.3)
    policy = WithdrawalPolicy(redis, keys, [], book)
    account, cold, other = "indodax-main", PARAMS["address"], "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
    await policy.check(account, "BTC", Decimal(1), other)  # no allowlist yet: any address

    entry = await book.propose(account, "BTC", cold, "cold wallet", CAROL)
    refused = [PolicyProblem.ADDRESS_PENDING, PolicyProblem.NOT_ALLOWLISTED]
    for address, problem in zip((cold, other), refused, strict=True):
        with pytest.raises(PolicyRefused) as caught:
            await policy.check(account, "BTC", Decimal(1), address)
        assert caught.value.problem is problem

    assert await book.approve(entry.id, CAROL) is EntryVote.OWN
    assert await book.approve(entry.id, ALICE) is EntryVote.APPROVED
    assert await book.approve(entry.id, BOB) is EntryVote.DECIDED
    with pytest.raises(PolicyRefused) as caught:
        await policy.check(account, "BTC", Decimal(1), cold)
    assert caught.value.problem is PolicyProblem.ADDRESS_NOT_YET
    await asyncio.sleep(0.4)
    await policy.check(account, "BTC", Decimal(1), cold)
    await policy.check(account, "ETH", Decimal(1), other)  # another asset has no allowlist
