"""/withdraw without arguments, end to end: the guided flow with buttons (account -> asset -> network ->
address -> amount), its state kept in Redis by the real bot process, against the Bot API emulator and the
simulators. Each step names bad input and asks again; the end is the one-line command's preview, which
still needs another member's approval."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio

from sandbox.exchanges.common.seed import SeedMarket
from sandbox.exchanges.narkasa.app import SIM_KEY
from sandbox.telegram.client import SentMessage
from tests.e2e.monitoring_stack import Stack, running_stack
from tests.e2e.test_withdrawals import (
    ACCOUNT,
    ADDRESS,
    ALICE,
    BOB,
    CAROL,
    DAVE,
    all_writes,
    edited,
    has_text,
    withdrawals_at_exchange,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

COLD = "0x52908400098527886E0F7030069857D2E4169EE7"  # pinned on the allowlist of indodax-main's ETH
OTHER = "0xde709f2102306220921060314715629080e2fb77"
XRP_ADDRESS = "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh"

CONFIG = {
    "withdrawals": {
        "approvals_required": 1,
        "policy": [{"account": ACCOUNT, "asset": "ETH", "addresses": [COLD]}],
    }
}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("withdraw-guide"), CONFIG) as running:
        yield running


def labels(message: SentMessage) -> list[str]:
    return [b.text for row in message.buttons for b in row]


async def pick(stack: Stack, picker: SentMessage, label: str, then: str, shows: str = "") -> SentMessage:
    """Presses ``label``; the picker must lose its buttons and show the pick (``shows``, if not the
    label); returns the next question."""
    await stack.client.press(CAROL, CAROL, picker.message_id, text=label)
    used = await stack.client.wait_for(CAROL, edited(picker, f"→ {shows or label}"))
    assert used.buttons == []
    return await stack.client.wait_for(CAROL, has_text(then))


async def refused_again(stack: Stack, typed: str, expected: str) -> None:
    """Bad input at a step: said what is wrong, asked again, nothing sent anywhere."""
    writes = all_writes(stack)
    wrong = await stack.ask(CAROL, typed, has_text(expected))
    assert "Type it again" in (wrong.text or "") and wrong.buttons == []
    assert all_writes(stack) == writes


async def test_a_withdrawal_is_guided_to_the_one_line_preview_and_still_needs_an_approver(
    stack: Stack,
) -> None:
    before = withdrawals_at_exchange(stack)
    accounts = await stack.ask(CAROL, "/withdraw", has_text("Withdrawal", "From which account?"))
    assert ACCOUNT in labels(accounts)
    assert "exchanger-main" not in labels(accounts)  # a site that cannot withdraw is not offered
    await refused_again(stack, "exchanger-main", "Unknown account exchanger-main")

    assets = await pick(stack, accounts, ACCOUNT, f"Which asset from {ACCOUNT}?")
    assert {"BTC", "ETH"} <= set(labels(assets))
    await refused_again(stack, "DOGE", "holds no DOGE")
    await refused_again(stack, "B$C", "code like BTC")

    networks = await pick(stack, assets, "ETH", "On which network?")
    assert {"eth", "arb", "op", "base"} <= set(labels(networks))
    await refused_again(stack, "lightning", "Unknown network. Choose one of: eth, arb, op, base")

    addresses = await pick(stack, networks, "eth", "Pick one from the allowlist, or type another")
    (cold,) = labels(addresses)  # the one pinned address, by its ends
    assert COLD[:6] in cold and COLD[-6:] in cold
    await refused_again(stack, OTHER, "not on the allowlist")
    await stack.ask(ALICE, "/audit withdrawal.refused", has_text("problem=not_allowlisted", OTHER))
    await refused_again(stack, ADDRESS, "not a ETH address on the chosen network")
    await refused_again(stack, COLD[:10] + "\u200b" + COLD[10:], "spaces or invisible characters")

    await pick(stack, addresses, cold, "How much ETH?", shows=COLD)  # the whole address, once picked
    await refused_again(stack, "0,1", "use a dot")
    over = await stack.ask(CAROL, "500", has_text("Not enough free balance"))
    assert over.buttons == []
    await stack.client.wait_for(CAROL, has_text("How much ETH?"))  # asked again, in the same flow
    shown = await stack.ask(CAROL, "0.1", has_text("Withdrawal preview: ETH"))
    assert COLD in (shown.text or "") and "Network: eth" in (shown.text or "")
    assert withdrawals_at_exchange(stack) == before  # nothing left before Confirm and approval

    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    await stack.client.wait_for(CAROL, edited(shown, "Waiting for approval: 0 of 1"))
    asked = await stack.client.wait_for(BOB, has_text("Withdrawal request from carol", COLD))
    await stack.client.press(BOB, BOB, asked.message_id, text="✅ Approve")
    await stack.client.wait_for(BOB, edited(asked, "Sent: withdrawal"), timeout=30)
    assert withdrawals_at_exchange(stack) == before + 1


async def test_an_asset_on_one_network_skips_that_step_and_a_typed_address_is_checked(stack: Stack) -> None:
    accounts = await stack.ask(CAROL, "/withdraw", has_text("From which account?"))
    assets = await pick(stack, accounts, ACCOUNT, "Which asset from")
    await stack.client.press(CAROL, CAROL, assets.message_id, text="BTC")
    asked = await stack.client.wait_for(CAROL, has_text("To which address? Type it."))
    assert asked.buttons == []  # no allowlist for BTC: any address, typed
    await refused_again(stack, ADDRESS[:-1] + "r", "wrong checksum")
    await stack.ask(CAROL, ADDRESS, has_text("How much BTC?"))
    shown = await stack.ask(CAROL, "0.01", has_text("Withdrawal preview: BTC"))
    assert ADDRESS in (shown.text or "")


async def test_a_typed_account_and_asset_pass_their_pickers_which_then_lose_their_buttons(
    stack: Stack,
) -> None:
    accounts = await stack.ask(CAROL, "/withdraw", has_text("From which account?"))
    assets = await stack.ask(CAROL, ACCOUNT, has_text(f"Which asset from {ACCOUNT}?"))
    await stack.ask(CAROL, "eth", has_text("On which network?"))
    for passed in (accounts, assets):
        picker = next(
            m for m in await stack.client.messages(CAROL, bot_only=True) if m.message_id == passed.message_id
        )
        assert picker.buttons == []


async def test_an_asset_that_leaves_with_a_memo_asks_for_it(stack: Stack) -> None:
    # Narkasa lists XRP (a market for it) and the account holds some: XRP leaves with a destination tag
    stack.exchanges["narkasa"].app[SIM_KEY].markets["XRPUSDT"] = SeedMarket("XRP/USDT", Decimal("0.5"))
    stack.state("narkasa").ledger.credit("alice", "XRP", Decimal(1000))
    accounts = await stack.ask(CAROL, "/withdraw", has_text("From which account?"))
    assets = await pick(stack, accounts, "narkasa-main", "Which asset from")
    await stack.client.press(CAROL, CAROL, assets.message_id, text="XRP")
    await stack.client.wait_for(CAROL, has_text("To which address? Type it."))
    await stack.ask(CAROL, XRP_ADDRESS, has_text("XRP leaves with a memo"))
    await refused_again(stack, "no/such memo", "The memo may hold letters, digits")
    await stack.ask(CAROL, "104502", has_text("How much XRP?"))
    shown = await stack.ask(CAROL, "10", has_text("Withdrawal preview: XRP"))
    assert "Memo: 104502" in (shown.text or "") and XRP_ADDRESS in (shown.text or "")


async def test_an_old_picker_changes_nothing(stack: Stack) -> None:
    first = await stack.ask(CAROL, "/withdraw", has_text("From which account?"))
    await stack.ask(CAROL, "/withdraw", has_text("From which account?"))  # starts over: the first is stale
    pressed = await stack.client.press(CAROL, CAROL, first.message_id, text=ACCOUNT)
    answer = await stack.client.callback_answer(pressed)
    assert answer.show_alert and "no longer open" in (answer.text or "")


async def test_a_viewer_is_refused_the_guided_flow(stack: Stack) -> None:
    refused = await stack.ask(DAVE, "/withdraw", has_text("trader"))
    assert refused.text == "This needs the trader role."
