"""A handler that fails unexpectedly still answers the user, and never with the internals."""

from collections.abc import AsyncIterator
from typing import ClassVar

import pytest
from redis.asyncio import Redis

from services.accounts import Account, AccountRegistry
from services.exchanges.base import ClientConfig, ExchangeClient
from services.exchanges.capabilities import Capability
from services.exchanges.models import Balances
from services.redis_client import Keys
from tests.integration.bot.harness import ADMIN_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import message_update

pytestmark = pytest.mark.integration


class BrokenClient(ExchangeClient):
    exchange = "broken"
    display_name = "Broken"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.FETCH_BALANCE})
    default_base_url = "http://127.0.0.1:9"

    async def fetch_balance(self) -> Balances:
        raise RuntimeError("internal detail that must not reach the chat")


@pytest.fixture
async def harness(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[Harness]:
    accounts = AccountRegistry([Account("broken", "broken", BrokenClient(ClientConfig(account="broken")))])
    built = build_harness(team_config(key_prefix), redis, keys, accounts=accounts)
    yield built
    await built.close()


async def test_an_unexpected_failure_is_answered_with_a_reference(harness: Harness) -> None:
    await harness.feed(message_update(ADMIN_ID, "/balance"))
    [reply] = harness.session.sent_texts(ADMIN_ID)
    assert reply.startswith("Something went wrong on our side; nothing was changed. (ref ")
    assert "internal detail" not in reply


async def test_the_reply_is_in_the_members_language(harness: Harness) -> None:
    await harness.feed(message_update(ADMIN_ID, "/balance", language_code="tr"))
    [reply] = harness.session.sent_texts(ADMIN_ID)
    assert "(ref " in reply and "Something went wrong" not in reply
