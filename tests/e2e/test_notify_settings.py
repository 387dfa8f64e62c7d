"""/notify with the real bot: a member moves a kind of push from on to silent to off and back with its
button, and the choice is kept."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from sandbox.telegram.client import EmulatorClient, SentMessage
from tests.e2e.bot_process import ADMIN_ID, VIEWER_ID, BotProcess
from tests.e2e.conftest import StartBot

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def bot(start_bot: StartBot) -> AsyncIterator[BotProcess]:
    process, _ = await start_bot("polling")
    yield process


async def settings(client: EmulatorClient, user_id: int, language: str = "en") -> SentMessage:
    await client.send(user_id, "/notify", language_code=language)
    return await client.wait_for(user_id, lambda m: m.from_bot and bool(m.buttons), timeout=30)


async def press(
    client: EmulatorClient, user_id: int, menu: SentMessage, label: str, edited_to: str
) -> SentMessage:
    await client.press(user_id, user_id, menu.message_id, text=label)
    return await client.wait_for(
        user_id, lambda m: m.message_id == menu.message_id and edited_to in m.button_labels, timeout=30
    )


async def test_a_member_cycles_a_kind_through_silent_and_off_and_it_is_kept(
    bot: BotProcess, client: EmulatorClient
) -> None:
    menu = await settings(client, ADMIN_ID)
    assert menu.text is not None and menu.text.startswith("Notifications")
    assert menu.button_labels == [
        "🔔 Price alerts: on",
        "🔔 Order fills: on",
        "🔔 Deposits: on",
        "🔔 Withdrawals: on",
        "🔔 Approvals: on",
        "🔔 System notices: on",
    ]
    menu = await press(client, ADMIN_ID, menu, "🔔 Price alerts: on", "🔕 Price alerts: silent")
    menu = await press(client, ADMIN_ID, menu, "🔕 Price alerts: silent", "🚫 Price alerts: off")

    again = await settings(client, ADMIN_ID)
    assert "🚫 Price alerts: off" in again.button_labels
    assert "🔔 Order fills: on" in again.button_labels
    await press(client, ADMIN_ID, again, "🚫 Price alerts: off", "🔔 Price alerts: on")


async def test_the_settings_speak_the_members_language(bot: BotProcess, client: EmulatorClient) -> None:
    menu = await settings(client, VIEWER_ID, "ru")
    assert menu.text is not None and menu.text.startswith("Уведомления")
    assert "🔔 Ценовые оповещения: вкл" in menu.button_labels
