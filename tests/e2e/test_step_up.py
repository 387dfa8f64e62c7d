"""Step-up codes end to end: bob enrols with /2fa from the QR caption's link, his Approve asks for a code
in private, a wrong code does not count, a valid one sends the withdrawal, and five wrong codes lock his
approvals and tell the admins."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
import pytest_asyncio

from sandbox.telegram.client import SentMessage
from tests.e2e.monitoring_stack import Stack, has_text, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE, BOB, CAROL = 1001, 1002, 1003
EXCHANGE, ACCOUNT = "indodax", "indodax-main"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"

CONFIG = {
    "withdrawals": {"approvals_required": 1, "approval_timeout_s": 300, "code_required_above": "0"},
    "security": {"encryption_key": "an-e2e-encryption-key-of-some-length"},
}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("stepup"), CONFIG) as running:
        yield running


def withdrawals_at_exchange(stack: Stack) -> int:
    return len(stack.state(EXCHANGE).transfers.query(None, "withdrawal"))


def wrong_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    near = {totp.at(time.time() + shift) for shift in range(-60, 61, 30)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in near)


async def request_and_approve(stack: Stack) -> SentMessage:
    """Carol's confirmed request; bob presses Approve and is asked for a code in private."""
    shown = await stack.ask(CAROL, f"/withdraw {ACCOUNT} btc 0.01 {ADDRESS}", has_text("Withdrawal preview"))
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    asked = await stack.client.wait_for(BOB, has_text("Withdrawal request from carol", ADDRESS))
    press = await stack.client.press(BOB, BOB, asked.message_id, text="Approve")
    answer = await stack.client.callback_answer(press)
    assert "needs a code" in (answer.text or "")
    await stack.client.wait_for(BOB, has_text("To approve withdrawal", "send the 6-digit code"))
    return asked


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def bob_secret(stack: Stack) -> str:
    enrol = await stack.ask(BOB, "/2fa", lambda m: m.photo is not None and "otpauth://" in (m.text or ""))
    uri = next(word for word in (enrol.text or "").split() if word.startswith("otpauth://"))
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    await stack.ask(BOB, wrong_code(secret), has_text("does not match"))
    await stack.ask(BOB, pyotp.TOTP(secret).now(), has_text("Done"))
    again = await stack.ask(BOB, "/2fa", has_text("already enrolled"))
    assert secret not in (again.text or "")
    return secret


async def test_an_approval_counts_only_with_a_valid_code(stack: Stack, bob_secret: str) -> None:
    before = withdrawals_at_exchange(stack)
    asked = await request_and_approve(stack)
    assert withdrawals_at_exchange(stack) == before
    await stack.ask(BOB, wrong_code(bob_secret), has_text("Wrong or already used code"))
    assert withdrawals_at_exchange(stack) == before
    # the enrolment's code is spent: the next step's code is the one the app shows soon
    await stack.client.send(BOB, pyotp.TOTP(bob_secret).at(time.time() + 30))
    await stack.client.wait_for(
        BOB, lambda m: m.message_id == asked.message_id and has_text("Sent: withdrawal", "bob")(m)
    )
    assert withdrawals_at_exchange(stack) == before + 1


async def test_five_wrong_codes_lock_the_approver_and_tell_the_admins(stack: Stack, bob_secret: str) -> None:
    before = withdrawals_at_exchange(stack)
    await request_and_approve(stack)
    wrong = wrong_code(bob_secret)
    for _ in range(4):
        await stack.ask(BOB, wrong, has_text("Wrong or already used code"))
    await stack.ask(BOB, wrong, has_text("locked for 15 minutes"))
    await stack.client.wait_for(ALICE, has_text("bob sent 5 wrong step-up codes"), timeout=30)
    assert withdrawals_at_exchange(stack) == before
    await stack.ask(ALICE, "/audit withdrawal.approve", has_text("vote=code_locked"))
