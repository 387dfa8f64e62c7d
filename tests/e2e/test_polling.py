"""The bot in polling mode, seen from Telegram's side."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from handlers.commands import COMMANDS
from sandbox.telegram.client import EmulatorClient, SentMessage
from services.audit_chain import verify_chain
from services.audit_csv import read_csv
from tests.e2e.bot_process import ADMIN_ID, TRADER_ID, VIEWER_ID, BotProcess
from tests.e2e.conftest import StartBot

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

STRANGER_ID = 5550001
REFUSAL = (
    f"Sorry, you are not authorized to use this bot. Your Telegram id is {STRANGER_ID}: "
    "an admin of the team can add you with it."
)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def polling_bot(start_bot: StartBot) -> AsyncIterator[BotProcess]:
    process, _ = await start_bot("polling")
    yield process


async def _reply(client: EmulatorClient, user_id: int, text: str, **kw: object) -> SentMessage:
    await client.send(user_id, text, **kw)
    return await client.wait_for(user_id, lambda m: m.from_bot, timeout=30)


async def test_start_greets_a_member_with_name_and_role(
    polling_bot: BotProcess, client: EmulatorClient
) -> None:
    reply = await _reply(client, ADMIN_ID, "/start", language_code="en")
    assert reply.text == "Hello, alice! Your role: admin.\nSend /help to see what you can do."


async def test_help_lists_what_the_role_allows(polling_bot: BotProcess, client: EmulatorClient) -> None:
    viewer = await _reply(client, VIEWER_ID, "/help", language_code="en")
    admin = await _reply(client, ADMIN_ID, "/help", language_code="en")
    assert viewer.text is not None and admin.text is not None
    assert "/lang — Choose the language of the bot" in viewer.text
    assert "/audit" not in viewer.text
    assert "/audit — Show the latest audit log entries" in admin.text


async def test_viewer_is_told_audit_needs_the_admin_role(
    polling_bot: BotProcess, client: EmulatorClient
) -> None:
    reply = await _reply(client, VIEWER_ID, "/audit", language_code="en")
    assert reply.text == "This needs the admin role."


async def test_stranger_gets_one_reply_then_silence_and_the_admin_sees_it_in_audit(
    polling_bot: BotProcess, client: EmulatorClient
) -> None:
    first = await _reply(client, STRANGER_ID, "/start", language_code="en")
    assert first.text == REFUSAL
    await client.send(STRANGER_ID, "/help")
    await client.send(STRANGER_ID, "/audit")
    # A member's round trip after the stranger's messages shows the bot has got to them.
    await _reply(client, ADMIN_ID, "/start")
    await asyncio.sleep(1)
    from_bot = await client.messages(STRANGER_ID, bot_only=True)
    assert [m.text for m in from_bot] == [REFUSAL]

    # strangers are kept apart from the team's entries: one entry per stranger per hour, with a count
    await client.send(ADMIN_ID, "/audit strangers")
    audit = await client.wait_for(
        ADMIN_ID, lambda m: (m.text or "").startswith("Latest attempts"), timeout=30
    )
    assert audit.text is not None
    assert audit.text.count(f"unauthorized {STRANGER_ID}") == 1
    assert "attempts: 3" in audit.text
    assert "text=/audit" in audit.text


async def test_lang_switches_the_language_of_the_next_reply(
    polling_bot: BotProcess, client: EmulatorClient
) -> None:
    menu = await _reply(client, TRADER_ID, "/lang", language_code="en")
    assert menu.text == "Choose your language:"
    assert menu.button_labels == ["✓ English", "Русский", "Bahasa Indonesia", "Türkçe"]

    await client.press(TRADER_ID, TRADER_ID, menu.message_id, text="Türkçe")
    confirmed = await client.wait_for(
        TRADER_ID, lambda m: m.message_id == menu.message_id and m.edited, timeout=30
    )
    assert confirmed.text == "Dil ayarlandı: Türkçe."

    greeting = await _reply(client, TRADER_ID, "/start", language_code="en")
    assert (
        greeting.text
        == "Merhaba tom! Rolünüz: işlem yetkilisi.\nNeler yapabileceğinizi görmek için /help gönderin."
    )


async def test_telegram_language_is_used_before_any_choice(
    polling_bot: BotProcess, client: EmulatorClient
) -> None:
    reply = await _reply(client, VIEWER_ID, "/start", language_code="ru")
    assert reply.text == (
        "Здравствуйте, vera! Ваша роль: наблюдатель.\nОтправьте /help, чтобы узнать, что вы можете сделать."
    )


async def test_commands_are_registered_in_every_language(
    polling_bot: BotProcess, client: EmulatorClient
) -> None:
    registered = {entry["language_code"]: entry["commands"] for entry in await client.commands()}
    assert set(registered) == {None, "ru", "id", "tr"}
    for commands in registered.values():
        assert [c["command"] for c in commands] == [info.name for info in COMMANDS]
    lang_descriptions = {
        code: next(c["description"] for c in commands if c["command"] == "lang")
        for code, commands in registered.items()
    }
    assert lang_descriptions == {
        None: "Choose the language of the bot",
        "ru": "Выбрать язык бота",
        "id": "Pilih bahasa bot",
        "tr": "Botun dilini değiştirir",
    }


async def test_admin_exports_the_audit_log_and_it_verifies(
    polling_bot: BotProcess, client: EmulatorClient
) -> None:
    await _reply(client, ADMIN_ID, "/tz Europe/Istanbul", language_code="en")  # an audited step
    await client.send(ADMIN_ID, "/audit export")
    sent = await client.wait_for(ADMIN_ID, lambda m: m.document is not None, timeout=30)
    assert sent.document is not None and (sent.document.file_name or "").endswith(".csv")
    assert (sent.text or "").startswith("Audit log: ")
    links = read_csv((await client.file(sent.document.file_id)).decode())
    anchor, head = re.findall(r"--anchor (\w+) --head (\w+)", sent.text or "")[0]
    assert any(link.action == "tz.set" and link.actor_id == ADMIN_ID for link in links)
    assert verify_chain(links, anchor=anchor, head=head).intact

    await client.send(ADMIN_ID, "/audit verify")
    checked = await client.wait_for(ADMIN_ID, lambda m: (m.text or "").startswith("Chain "), timeout=30)
    # the export itself is on record now: one more entry than the file holds
    assert (checked.text or "").startswith(
        f"Chain intact: {len(links) + 1} entries from {links[0].entry_id} "
    )
