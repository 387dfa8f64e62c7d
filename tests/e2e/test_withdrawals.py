"""Withdrawals from chat, end to end: the real bot process, the Bot API emulator, the simulators. A
withdrawal needs another member's approval; presses that must not count change nothing; the policy
refuses before anyone is asked; an expired request never leaves; bad input never reaches anyone."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from sandbox.exchanges.common import Fault
from sandbox.telegram.client import EmulatorError, SentMessage
from tests.e2e.monitoring_stack import Stack, edited, has_text, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE, BOB, CAROL, MALLORY, DAVE = 1001, 1002, 1003, 1004, 1005
EXCHANGE, ACCOUNT = "indodax", "indodax-main"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
LEGACY = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
TIMEOUT_S = 10  # approval deadline: long enough for a press, short enough to watch one expire

CONFIG = {
    "withdrawals": {
        "approvals_required": 1,
        "approval_timeout_s": TIMEOUT_S,
        "policy": [{"account": ACCOUNT, "asset": "BTC", "max_per_tx": "0.2", "max_per_day": "0.35"}],
    }
}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("withdrawals"), CONFIG) as running:
        yield running


def withdrawals_at_exchange(stack: Stack) -> int:
    return len(stack.state(EXCHANGE).transfers.query(None, "withdrawal"))


def all_writes(stack: Stack) -> int:
    return sum(sum(stack.state(name).stats()["writes"].values()) for name in stack.exchanges)


def writes_at_exchange(stack: Stack) -> int:
    return sum(stack.state(EXCHANGE).stats()["writes"].values())


async def requested(
    stack: Stack, requester: int = CAROL, name: str = "carol"
) -> tuple[SentMessage, SentMessage]:
    """A confirmed request (Carol's unless said), and the approval request Bob received for it."""
    shown = await stack.ask(
        requester, f"/withdraw {ACCOUNT} btc 0.01 {ADDRESS}", has_text("Withdrawal preview")
    )
    assert shown.button("Confirm") is not None and shown.button("Cancel") is not None
    await stack.client.press(requester, requester, shown.message_id, text="Confirm")
    await stack.client.wait_for(requester, edited(shown, "Waiting for approval: 0 of 1"))
    asked = await stack.client.wait_for(BOB, has_text(f"Withdrawal request from {name}", ADDRESS))
    assert asked.button("Approve") is not None and asked.button("Reject") is not None
    return shown, asked


async def latest(stack: Stack, chat: int, message: SentMessage) -> SentMessage:
    return next(
        m for m in await stack.client.messages(chat, bot_only=True) if m.message_id == message.message_id
    )


async def test_a_withdrawal_leaves_only_after_another_member_approves(stack: Stack) -> None:
    before = withdrawals_at_exchange(stack)
    _shown, asked = await requested(stack)
    for label in ("Amount", "Address", "Network", "Exchange fee", "Arrives"):
        assert label in (asked.text or "")
    assert withdrawals_at_exchange(stack) == before  # confirmed, not approved: nothing left

    # the requester's (a trader's), a viewer's and a stranger's Approve change nothing
    own = await stack.client.press(CAROL, BOB, asked.message_id, text="Approve")
    assert "approver role" in ((await stack.client.callback_answer(own)).text or "")
    viewer = await stack.client.press(DAVE, BOB, asked.message_id, text="Approve")
    assert "approver role" in ((await stack.client.callback_answer(viewer)).text or "")
    stranger = await stack.client.press(MALLORY, BOB, asked.message_id, text="Approve")
    assert "not authorized" in ((await stack.client.callback_answer(stranger)).text or "")
    assert withdrawals_at_exchange(stack) == before
    assert (await latest(stack, BOB, asked)).button("Approve") is not None

    data = asked.button("Approve").callback_data  # type: ignore[union-attr]
    await stack.client.press(BOB, BOB, asked.message_id, data=data)
    done = await stack.client.wait_for(BOB, edited(asked, "Sent: withdrawal", "bob"))
    assert done.buttons == []
    await stack.client.wait_for(CAROL, has_text("Sent: withdrawal"), since=0)
    assert withdrawals_at_exchange(stack) == before + 1

    # a replayed Approve (the same callback data) changes nothing
    with contextlib.suppress(EmulatorError):  # the emulator may refuse a press on a button that is gone
        replay = await stack.client.press(ALICE, BOB, asked.message_id, data=data)
        assert "already decided" in ((await stack.client.callback_answer(replay)).text or "")
    assert withdrawals_at_exchange(stack) == before + 1

    # the admin finds every step in the audit log
    for kind, needle in (
        ("withdrawal.request", "carol"),
        ("withdrawal.confirm", "decision=ok"),
        ("withdrawal.approve", "vote=approved"),
        ("withdrawal.result", "withdrawal_id="),
    ):
        await stack.ask(ALICE, f"/audit {kind}", has_text(f"kind {kind}", needle))


async def test_an_approvers_own_request_needs_someone_else(stack: Stack) -> None:
    before = writes_at_exchange(stack)
    shown, asked = await requested(stack, ALICE, "alice")
    own = await stack.client.press(ALICE, BOB, asked.message_id, text="Approve")
    assert "your own request" in ((await stack.client.callback_answer(own)).text or "")
    assert writes_at_exchange(stack) == before
    await stack.ask(ALICE, "/audit withdrawal.approve", has_text("vote=own"))
    await stack.client.press(ALICE, ALICE, shown.message_id, text="✖️ Cancel")
    await stack.client.wait_for(BOB, edited(asked, "Cancelled by the requester"))


async def test_a_rejected_request_never_leaves(stack: Stack) -> None:
    before = writes_at_exchange(stack)
    _shown, asked = await requested(stack)
    await stack.client.press(BOB, BOB, asked.message_id, text="⛔ Reject")
    reasons = await stack.client.wait_for(BOB, lambda m: m.message_id == asked.message_id and m.edited)
    assert any("wrong address" in label for label in reasons.button_labels)
    await stack.client.press(BOB, BOB, asked.message_id, text="⛔ Reject: wrong address")
    await stack.client.wait_for(BOB, edited(asked, "Rejected (wrong address)"))
    await stack.client.wait_for(CAROL, has_text("Rejected (wrong address)"), since=0)
    await stack.ask(ALICE, "/audit withdrawal.reject", has_text("vote=rejected", "reason=address"))
    assert writes_at_exchange(stack) == before


async def test_the_requester_may_cancel_while_it_waits(stack: Stack) -> None:
    before = writes_at_exchange(stack)
    shown, asked = await requested(stack)
    await stack.client.press(CAROL, CAROL, shown.message_id, text="✖️ Cancel")
    await stack.client.wait_for(CAROL, edited(shown, "Cancelled by the requester"))
    gone = await stack.client.wait_for(BOB, edited(asked, "Cancelled by the requester"))
    assert gone.buttons == []
    assert writes_at_exchange(stack) == before


async def test_an_expired_request_never_executes(stack: Stack) -> None:
    before = writes_at_exchange(stack)
    _shown, asked = await requested(stack)
    expired = await stack.client.wait_for(BOB, edited(asked, "Expired"), timeout=TIMEOUT_S + 20)
    assert expired.buttons == []
    data = asked.button("Approve").callback_data  # type: ignore[union-attr]
    with contextlib.suppress(EmulatorError):
        late = await stack.client.press(BOB, BOB, asked.message_id, data=data)
        await stack.client.callback_answer(late)
    assert writes_at_exchange(stack) == before


async def test_a_policy_breach_is_refused_before_anyone_is_asked(stack: Stack) -> None:
    writes = writes_at_exchange(stack)
    bob_before = len(await stack.client.messages(BOB, bot_only=True))
    reply = await stack.ask(
        CAROL, f"/withdraw {ACCOUNT} BTC 0.3 {ADDRESS}", has_text("Refused by the policy")
    )
    assert "0.2" in (reply.text or "") and reply.buttons == []
    assert writes_at_exchange(stack) == writes
    assert len(await stack.client.messages(BOB, bot_only=True)) == bob_before
    await stack.ask(ALICE, "/audit withdrawal.refused", has_text("problem=per_tx", "amount=0.3"))


async def test_fifty_approvals_at_once_withdraw_once(stack: Stack) -> None:
    before = withdrawals_at_exchange(stack)
    _shown, asked = await requested(stack)
    asked_alice = await stack.client.wait_for(ALICE, has_text("Withdrawal request from carol"))
    approve_bob = asked.button("Approve").callback_data  # type: ignore[union-attr]
    approve_alice = asked_alice.button("Approve").callback_data  # type: ignore[union-attr]

    async def press(i: int) -> str | None:
        user, message, data = (BOB, asked, approve_bob) if i % 2 else (ALICE, asked_alice, approve_alice)
        with contextlib.suppress(EmulatorError):
            return await stack.client.press(user, user, message.message_id, data=data)
        return None

    pressed = [p for p in await asyncio.gather(*(press(i) for i in range(50))) if p is not None]
    await stack.client.wait_for(CAROL, has_text("Sent: withdrawal"), timeout=30, since=0)
    answers = [await stack.client.callback_answer(p, timeout=30) for p in pressed]
    assert all(a.answered for a in answers)
    assert sum(1 for a in answers if a.text == "Approved: sending.") == 1
    assert withdrawals_at_exchange(stack) == before + 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (f"BTC 0 {ADDRESS}", "must be more than zero"),
        (f"BTC -1 {ADDRESS}", "must be positive"),
        (f"BTC NaN {ADDRESS}", "not a plain number"),
        (f"BTC 1e999 {ADDRESS}", "not a plain number"),
        (f"BTC {'9' * 40} {ADDRESS}", "too many digits"),
        (f"BTC 0,01 {ADDRESS}", "use a dot"),
        ("BTC 0.01", "Usage: /withdraw"),
        ("BTC 0.01 bc1qar0srrr7 xfkvy5l643lydnw9re59gtzzwf5mdq", "An address has no spaces"),
        (f"BTC 0.01 {ADDRESS[:-1]}r", "wrong checksum"),
        (f"BTC 0.01 {LEGACY[:-1]}3", "wrong checksum"),
        ("BTC 0.01 0x52908400098527886E0F7030069857D2E4169EE7", "not a BTC address"),
        (f"BTC 0.01 {ADDRESS} memo=123", "take no memo"),
        (f"BTC 0.01 {ADDRESS} network=lightning", "Unknown network"),
        ("ETH 0.01 0x52908400098527886E0F7030069857D2E4169EE7", "Choose a network"),
        (f"BTC 0.0001 {ADDRESS}", "more than the fee"),
        ("ETH 500 0x52908400098527886E0F7030069857D2E4169EE7 network=eth", "Not enough free balance"),
        (f"BTC 0.01 {ADDRESS} colour=red", "Unknown option"),
        (f"DOGE 1 {ADDRESS}", "holds no DOGE"),
        (f"B$C 1 {ADDRESS}", "code like BTC"),
        (f"incorex-main BTC 0.01 {ADDRESS} memo=1", "take no memo"),
        (f"incorex-main BTC 0.01 {ADDRESS} network=btc", "takes no network"),
        (f"narkasa-main BTC 0.00001 {ADDRESS}", "below the minimum"),
        (f"narkasa-main USDT 20 {ADDRESS}", "Choose a network"),
        (f"narkasa-main USDT 20 {ADDRESS} network=TRC20", "not a USDT address"),
        # a zero-width space does not split the words: the address check finds it
        (f"BTC 0.01 {ADDRESS[:10]}\u200b{ADDRESS[10:]}", "spaces or invisible characters"),
        (f"narkasa-main USDT 20 {TRON} network=SOL", "Unknown network. Choose one of: TRC20, ERC20"),
        (f"narkasa-main BTC 0.01 {ADDRESS} memo=123", "take no memo"),
    ],
)
async def test_bad_input_is_named_and_nothing_leaves_the_bot(stack: Stack, args: str, expected: str) -> None:
    account, _, rest = args.partition(" ") if args.split()[0].endswith("-main") else (ACCOUNT, "", args)
    writes = all_writes(stack)
    approvers_saw = [len(await stack.client.messages(m, bot_only=True)) for m in (ALICE, BOB)]
    reply = await stack.ask(CAROL, f"/withdraw {account} {rest}", has_text(expected))
    assert reply.buttons == []
    assert all_writes(stack) == writes
    assert [len(await stack.client.messages(m, bot_only=True)) for m in (ALICE, BOB)] == approvers_saw


async def test_the_whole_free_balance_is_refused_where_the_fee_comes_on_top(stack: Stack) -> None:
    free = stack.state("narkasa").ledger.free("alice", "USDT")  # Narkasa takes 1 USDT on top on TRC20
    writes = all_writes(stack)
    reply = await stack.ask(
        CAROL,
        f"/withdraw narkasa-main USDT {free} {TRON} network=TRC20",
        has_text("Not enough free balance", "can be withdrawn after the fee"),
    )
    assert reply.buttons == []
    assert all_writes(stack) == writes


async def test_an_unknown_account_and_an_exchange_without_withdrawals_are_named(stack: Stack) -> None:
    reply = await stack.ask(CAROL, f"/withdraw nosuch BTC 1 {ADDRESS}", has_text("nosuch"))
    assert "Unknown account" in (reply.text or "")
    refused = await stack.ask(
        CAROL, f"/withdraw exchanger-main BTC 0.01 {ADDRESS}", has_text("exchanger-main")
    )
    assert refused.buttons == []


async def test_a_viewer_cannot_request(stack: Stack) -> None:
    writes = writes_at_exchange(stack)
    refused = await stack.ask(DAVE, f"/withdraw {ACCOUNT} BTC 0.01 {ADDRESS}", has_text("trader"))
    assert refused.text == "This needs the trader role."
    assert writes_at_exchange(stack) == writes


# last in this module: from here on indodax-main's ETH has an allowlist
async def test_an_added_address_needs_another_admin_and_waits_out_the_delay(stack: Stack) -> None:
    cold, other = "0x52908400098527886E0F7030069857D2E4169EE7", "0xde709f2102306220921060314715629080e2fb77"
    added = await stack.ask(CAROL, f"/allowlist add {ACCOUNT} ETH {cold} cold wallet", has_text("Added"))
    assert "24 h" in (added.text or "")
    asked = await stack.client.wait_for(ALICE, has_text("Allowlist: new address from carol", cold))
    assert (await stack.ask(CAROL, "/allowlist", has_text("Withdrawal allowlist"))).text is not None

    pressed = await stack.client.press(BOB, ALICE, asked.message_id, text="✅ Approve")  # an approver only
    assert "admin role" in ((await stack.client.callback_answer(pressed)).text or "")
    pending = f"/withdraw {ACCOUNT} ETH 0.1 {cold} network=eth"
    await stack.ask(CAROL, pending, has_text("waiting for an admin"))

    await stack.client.press(ALICE, ALICE, asked.message_id, text="✅ Approve")
    decided = await stack.client.wait_for(ALICE, edited(asked, "Approved by alice"))
    assert decided.buttons == []
    await stack.client.wait_for(CAROL, has_text("Approved by alice"))

    writes = writes_at_exchange(stack)
    early = await stack.ask(CAROL, pending, has_text("usable from"))
    assert early.buttons == []
    elsewhere = await stack.ask(
        CAROL, f"/withdraw {ACCOUNT} ETH 0.1 {other} network=eth", has_text("allowlist")
    )
    assert "not on the allowlist" in (elsewhere.text or "")
    assert writes_at_exchange(stack) == writes
    await stack.ask(ALICE, "/audit allowlist.approve", has_text("vote=approved"))

    again = await stack.ask(
        CAROL, f"/allowlist add {ACCOUNT} ETH {cold}", has_text("already on the allowlist")
    )
    assert again.buttons == []
    refused = await stack.ask(CAROL, f"/allowlist remove {ACCOUNT} ETH {cold}", has_text("admin role"))
    assert refused.buttons == []
    await stack.ask(ALICE, f"/allowlist remove {ACCOUNT} ETH {cold}", has_text("Removed"))


async def test_a_withdrawal_whose_answer_is_lost_is_found_at_the_exchange_and_never_sent_again(
    stack: Stack,
) -> None:
    sim = stack.state(EXCHANGE)
    before, sent = withdrawals_at_exchange(stack), sim.requests.count("withdrawCoin", write=True)
    shown = await stack.ask(
        CAROL, f"/withdraw {ACCOUNT} btc 0.0137 {ADDRESS}", has_text("Withdrawal preview")
    )
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    asked = await stack.client.wait_for(BOB, has_text("Withdrawal request from carol", "0.0137"))
    # the exchange takes it, and a proxy's bad gateway is all the bot hears
    sim.faults.add("withdrawCoin", Fault("status", status=502, after=True, times=1))
    seq = stack.client.last_seq

    await stack.client.press(BOB, BOB, asked.message_id, text="Approve")

    await stack.client.wait_for(ALICE, has_text("Outcome unknown (withdrawal)"), since=seq, timeout=30)
    settled = await stack.client.wait_for(
        CAROL, has_text("Checked: the exchange took it"), since=seq, timeout=30
    )
    assert "withdrawal" in (settled.text or "") and "0.0137" in (settled.text or "")
    # the approval message, left at "no definite answer", shows the settled state
    await stack.client.wait_for(BOB, edited(asked, "Sent: withdrawal"), since=seq)
    assert withdrawals_at_exchange(stack) == before + 1
    assert sim.requests.count("withdrawCoin", write=True) == sent + 1  # sent once, never again
