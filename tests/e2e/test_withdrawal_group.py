"""Approvals in a group ([notifications] approvals_chat_id): the request is posted there, a press counts
for the presser's own role, and the message shows the outcome without its buttons; the team group
([notifications] chat_id) is told the outcome."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.e2e.monitoring_stack import Stack, has_text, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

BOB, CAROL, DAVE = 1002, 1003, 1005
GROUP = -1001234567  # approvals
TEAM = -1007654321  # decisions and outcomes
ACCOUNT = "indodax-main"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    config = {"notifications": {"approvals_chat_id": GROUP, "chat_id": TEAM}}
    async with running_stack(tmp_path_factory.mktemp("withdrawal-group"), config) as running:
        yield running


async def test_the_group_gets_the_request_and_each_press_counts_for_its_presser(stack: Stack) -> None:
    # the group exists for the emulator once someone has written in it
    await stack.client.send(BOB, "morning", chat_id=GROUP, chat_type="supergroup", chat_title="Treasury")
    await stack.client.send(BOB, "hello", chat_id=TEAM, chat_type="supergroup", chat_title="Team")
    indodax = stack.state("indodax")
    before = len(indodax.transfers.query(None, "withdrawal"))
    shown = await stack.ask(CAROL, f"/withdraw {ACCOUNT} BTC 0.01 {ADDRESS}", has_text("Withdrawal preview"))
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    asked = await stack.client.wait_for(GROUP, has_text("Withdrawal request from carol"))

    for presser in (CAROL, DAVE):  # a trader (the requester) and a viewer, pressing in the group
        pressed = await stack.client.press(presser, GROUP, asked.message_id, text="Approve")
        assert "approver role" in ((await stack.client.callback_answer(pressed)).text or "")
    assert len(indodax.transfers.query(None, "withdrawal")) == before

    await stack.client.press(BOB, GROUP, asked.message_id, text="Approve")
    done = await stack.client.wait_for(
        GROUP, lambda m: m.message_id == asked.message_id and m.edited and has_text("Sent: withdrawal")(m)
    )
    assert done.buttons == []
    assert len(indodax.transfers.query(None, "withdrawal")) == before + 1
    told = await stack.client.wait_for(
        TEAM, has_text("Withdrawal request from carol", "Sent: withdrawal"), since=0
    )
    assert told.buttons == []
