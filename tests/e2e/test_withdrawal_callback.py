"""Indodax's withdrawal callback end to end: the simulator asks the bot's /callbacks/indodax/<account>
before executing withdrawCoin; the bot's own approved withdrawal is answered "ok" and executed, a forged
or replayed callback is refused, and each is in the audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.e2e.monitoring_stack import Stack, has_text, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE, BOB, CAROL = 1001, 1002, 1003
EXCHANGE, ACCOUNT = "indodax", "indodax-main"
ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("callback")) as running:
        exchange = running.exchanges[EXCHANGE]
        url = f"{running.web_url}/callbacks/{EXCHANGE}/{ACCOUNT}"
        await post_json(
            f"{exchange.base_url}/_control/indodax/callback", {"account": exchange.account.name, "url": url}
        )
        yield running


async def post_json(url: str, body: dict[str, Any]) -> None:
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as reply:
        assert reply.status == 200, await reply.text()


async def post_form(url: str, form: dict[str, str]) -> str:
    async with aiohttp.ClientSession() as session, session.post(url, data=form) as reply:
        return await reply.text()


def withdrawals_at_exchange(stack: Stack) -> int:
    return len(stack.state(EXCHANGE).transfers.query(None, "withdrawal"))


def callbacks_seen(stack: Stack) -> list[dict[str, str]]:
    return list(stack.state(EXCHANGE).callbacks_seen)  # type: ignore[attr-defined]


async def test_the_bots_own_withdrawal_is_answered_ok_and_a_forged_one_is_not(stack: Stack) -> None:
    before = withdrawals_at_exchange(stack)
    shown = await stack.ask(CAROL, f"/withdraw {ACCOUNT} btc 0.01 {ADDRESS}", has_text("Withdrawal preview"))
    await stack.client.press(CAROL, CAROL, shown.message_id, text="Confirm")
    asked = await stack.client.wait_for(BOB, has_text("Withdrawal request from carol", ADDRESS))
    await stack.client.press(BOB, BOB, asked.message_id, text="Approve")
    await stack.client.wait_for(
        BOB, lambda m: m.message_id == asked.message_id and has_text("Sent: withdrawal")(m)
    )
    assert withdrawals_at_exchange(stack) == before + 1
    [seen] = callbacks_seen(stack)  # the simulator asked the bot before executing it

    url = f"{stack.web_url}/callbacks/{EXCHANGE}/{ACCOUNT}"
    assert await post_form(url, seen) != "ok"  # a replay of the real one
    forged = {
        **seen,
        "request_id": "forged0000000000",
        "withdraw_address": "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    }
    assert await post_form(url, forged) != "ok"

    await stack.ask(ALICE, "/audit withdrawal.callback", has_text("answer=ok", "reason=unknown_request"))


async def test_without_an_encryption_key_2fa_is_not_available(stack: Stack) -> None:
    # this stack has no [security] encryption_key: approvals above went through without codes
    await stack.ask(BOB, "/2fa", has_text("not available", "encryption_key"))
