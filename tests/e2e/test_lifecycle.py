"""Stopping the bot process, and what it writes while running."""

from __future__ import annotations

import signal

import pytest

from sandbox.telegram.client import EmulatorClient
from tests.e2e.bot_process import ADMIN_ID
from tests.e2e.conftest import StartBot, secrets_in

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

STRANGER_ID = 5550002


@pytest.mark.parametrize(
    ("mode", "sig"),
    [("polling", signal.SIGTERM), ("webhook", signal.SIGTERM), ("polling", signal.SIGINT)],
)
async def test_signal_stops_the_bot_cleanly_and_no_secret_is_ever_printed(
    start_bot: StartBot, client: EmulatorClient, mode: str, sig: signal.Signals
) -> None:
    process, secrets = await start_bot(mode)
    for user_id in (ADMIN_ID, STRANGER_ID):
        await client.send(user_id, "/start", bot_id=secrets.bot_id)
        await client.wait_for(user_id, lambda m: m.from_bot, timeout=30)

    assert await process.stop(sig) == 0
    output = process.output
    assert "Start polling" in output or "webhook mode" in output  # the output really was captured
    assert "bot.runner: stopped" in output
    assert "Traceback" not in output
    assert secrets_in(output, secrets) == []
