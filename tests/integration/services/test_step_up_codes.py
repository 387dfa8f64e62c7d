"""Step-up codes on withdrawal approvals, with real Redis: the secret is encrypted at rest, enrolment
needs a first valid code, a valid code makes the approval count, a used code is refused, and five wrong
codes lock the approver's approvals."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import cast
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from redis.asyncio import Redis

from services.accounts import Account, AccountRegistry
from services.actions.engine import ActionEngine
from services.actions.states import ActionState
from services.actions.store import ActionStore, Vote
from services.audit import AuditLog
from services.exchanges.base import ExchangeClient
from services.redis_client import Keys
from services.team import Role, TeamDirectory, TeamMember
from services.twofactor import TwoFactor
from services.withdrawals.allowlist import AddressBook
from services.withdrawals.desk import GateAnswer, WithdrawalDesk
from services.withdrawals.policy import WithdrawalPolicy
from services.withdrawals.requests import WithdrawalRequests
from services.withdrawals.stepup import StepUpGate
from tests.integration.services.test_withdrawal_approvals import BOB, CAROL, CountingClient, awaiting

pytestmark = pytest.mark.integration

KEY = "a-long-random-test-encryption-key"
BOB_MEMBER = TeamMember(BOB, "bob", Role.APPROVER)


def secret_of(uri: str) -> str:
    return parse_qs(urlparse(uri).query)["secret"][0]


def wrong_code(secret: str) -> str:
    """A code that no time step near now has."""
    totp = pyotp.TOTP(secret)
    now = int(time.time())
    near = {totp.at(now + shift) for shift in range(-60, 61, 30)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in near)


async def enrolled(codes: TwoFactor) -> str:
    secret = secret_of((await codes.begin(BOB, "bob")).uri)
    assert await codes.confirm(BOB, pyotp.TOTP(secret).now())
    return secret


def make_desk(
    redis: Redis, keys: Keys, codes: TwoFactor, client: CountingClient, *, above: Decimal = Decimal(0)
) -> tuple[WithdrawalDesk, ActionStore]:
    store = ActionStore(redis, keys)
    team = TeamDirectory([TeamMember(CAROL, "carol", Role.TRADER), BOB_MEMBER])
    accounts = AccountRegistry([Account("indodax-main", "indodax", cast(ExchangeClient, client))])
    desk = WithdrawalDesk(
        accounts,
        store,
        ActionEngine(store),
        AuditLog(redis, keys),
        WithdrawalPolicy(redis, keys, [], AddressBook(redis, keys, delay_s=0)),
        team,
        WithdrawalRequests(redis, keys, store),
        approvals_required=1,
        approval_timeout_s=60,
        confirm_ttl_s=60,
        gate=StepUpGate(codes, accounts, above=above, quote="BTC"),
    )
    return desk, store


async def test_the_secret_is_encrypted_at_rest(redis: Redis, keys: Keys, key_prefix: str) -> None:
    codes = TwoFactor(redis, keys, KEY)
    secret = await enrolled(codes)
    values = [await redis.get(key) async for key in redis.scan_iter(match=f"{key_prefix}:2fa:*")]
    assert values, "the secret is kept in Redis"
    assert all(secret not in value for value in values)
    # another key cannot read it: as if never enrolled
    assert await codes.enrolled(BOB)
    assert not await TwoFactor(redis, keys, "another-key").enrolled(BOB)


async def test_enrolment_needs_a_valid_first_code(redis: Redis, keys: Keys) -> None:
    codes = TwoFactor(redis, keys, KEY)
    enrolment = await codes.begin(BOB, "bob")
    assert enrolment.uri.startswith("otpauth://totp/")
    secret = secret_of(enrolment.uri)
    assert not await codes.confirm(BOB, wrong_code(secret))
    assert not await codes.enrolled(BOB)
    assert await codes.confirm(BOB, pyotp.TOTP(secret).now())
    assert await codes.enrolled(BOB)


async def test_without_a_key_codes_are_not_available(redis: Redis, keys: Keys) -> None:
    assert not TwoFactor(redis, keys, "").available
    assert not await TwoFactor(redis, keys, "").enrolled(BOB)


async def test_an_approval_counts_only_with_a_valid_code(redis: Redis, keys: Keys) -> None:
    codes = TwoFactor(redis, keys, KEY)
    client = CountingClient()
    desk, store = make_desk(redis, keys, codes, client)
    action_id = await awaiting(store)
    assert (await desk.approve(action_id, BOB_MEMBER)).vote is GateAnswer.NOT_ENROLLED
    secret = await enrolled(codes)
    assert (await desk.approve(action_id, BOB_MEMBER)).vote is GateAnswer.CODE_NEEDED
    assert (await desk.approve(action_id, BOB_MEMBER, wrong_code(secret))).vote is GateAnswer.CODE_WRONG
    assert client.sent == [] and await store.approvers(action_id) == set()
    # the enrolment's code was used: a fresh step's code is needed... or the same step is refused
    voted = await desk.approve(action_id, BOB_MEMBER, pyotp.TOTP(secret).at(time.time() + 30))
    assert voted.vote is Vote.APPROVED
    assert client.sent and voted.action is not None and voted.action.state is ActionState.SUBMITTED


async def test_a_used_code_is_refused(redis: Redis, keys: Keys) -> None:
    codes = TwoFactor(redis, keys, KEY)
    client = CountingClient()
    desk, store = make_desk(redis, keys, codes, client)
    secret = await enrolled(codes)
    first, second = await awaiting(store), await awaiting(store)
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert (await desk.approve(first, BOB_MEMBER, code)).vote is Vote.APPROVED
    assert (await desk.approve(second, BOB_MEMBER, code)).vote is GateAnswer.CODE_WRONG
    assert len(client.sent) == 1
    # the enrolment's own code cannot approve either
    assert (await desk.approve(second, BOB_MEMBER, pyotp.TOTP(secret).now())).vote is GateAnswer.CODE_WRONG


async def test_five_wrong_codes_lock_the_approver(redis: Redis, keys: Keys) -> None:
    codes = TwoFactor(redis, keys, KEY)
    client = CountingClient()
    desk, store = make_desk(redis, keys, codes, client)
    secret = await enrolled(codes)
    action_id = await awaiting(store)
    wrong = wrong_code(secret)
    answers = [(await desk.approve(action_id, BOB_MEMBER, wrong)).vote for _ in range(5)]
    assert answers == [GateAnswer.CODE_WRONG] * 4 + [GateAnswer.CODE_LOCKED]
    valid = pyotp.TOTP(secret).at(time.time() + 30)
    assert (await desk.approve(action_id, BOB_MEMBER, valid)).vote is GateAnswer.LOCKED
    assert (await desk.approve(action_id, BOB_MEMBER)).vote is GateAnswer.LOCKED
    assert client.sent == [] and await store.approvers(action_id) == set()
    votes = [e.details["vote"] for e in await AuditLog(redis, keys).latest(20, action="withdrawal.approve")]
    assert votes.count("code_wrong") == 4 and "code_locked" in votes


async def test_below_the_threshold_no_code_is_asked(redis: Redis, keys: Keys) -> None:
    codes = TwoFactor(redis, keys, KEY)
    client = CountingClient()
    # the awaiting() request is 0.1 BTC; the desk values in BTC
    desk, store = make_desk(redis, keys, codes, client, above=Decimal("0.5"))
    await enrolled(codes)
    assert (await desk.approve(await awaiting(store), BOB_MEMBER)).vote is Vote.APPROVED
    above, _ = make_desk(redis, keys, codes, client, above=Decimal("0.05"))
    assert (await above.approve(await awaiting(store), BOB_MEMBER)).vote is GateAnswer.CODE_NEEDED
