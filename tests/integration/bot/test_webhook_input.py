"""The webhook over real HTTP: a body that is not an Update gets 400, no traceback; a repeat runs once."""

import json
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.web import WEBHOOK_HANDLER, build_web_app
from services.redis_client import Keys
from tests.integration.bot.harness import ADMIN_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import message_update

pytestmark = pytest.mark.integration

PATH = "/tg/webhook"
SECRET = {"X-Telegram-Bot-Api-Secret-Token": "whsec_test"}
GREETING = "Hello, alice! Your role: admin.\nSend /help to see what you can do."


@pytest.fixture
async def harness(redis: Redis, keys: Keys, key_prefix: str) -> AsyncIterator[Harness]:
    built = build_harness(team_config(key_prefix), redis, keys)
    yield built
    await built.close()


async def _webhook(harness: Harness, redis: Redis, keys: Keys) -> AsyncIterator[TestClient]:
    app = build_web_app(
        bot=harness.bot,
        redis=redis,
        metrics=harness.metrics,
        dispatcher=harness.dispatcher,
        webhook_path=PATH,
        webhook_secret="whsec_test",
        keys=keys,
    )
    async with TestClient(TestServer(app)) as client:
        yield client
        await app[WEBHOOK_HANDLER].idle()


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


MALFORMED = {
    "truncated JSON": b'{"update_id": 1, "message": {',
    "not JSON": b"update_id=1",
    "empty": b"",
    "not UTF-8": b'{"update_id": 1, "x": "\xff\xfe"}',
    "UTF-16": '{"update_id": 1}'.encode("utf-16"),
    "deep nesting": _nested(100_000).encode(),
    "deep nesting inside an update": ('{"update_id": 1, "message": ' + _nested(50_000) + "}").encode(),
    "5,000-digit integer": b'{"update_id": ' + b"9" * 5000 + b"}",
    "a list": b"[]",
    "a string": b'"update"',
    "null": b"null",
    "an empty object": b"{}",
    "update_id not a number": b'{"update_id": "one"}',
    "a message without a chat": b'{"update_id": 1, "message": {"message_id": 1, "date": 0}}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_body_that_is_not_an_update_gets_400_and_no_traceback(
    harness: Harness, redis: Redis, keys: Keys, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    async for client in _webhook(harness, redis, keys):
        with caplog.at_level(logging.INFO):
            response = await client.post(
                PATH, data=body, headers={**SECRET, "Content-Type": "application/json"}
            )
        assert response.status == 400
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert harness.session.calls == []


async def test_an_update_delivered_twice_is_handled_once(harness: Harness, redis: Redis, keys: Keys) -> None:
    body = json.dumps(message_update(ADMIN_ID, "/start"))
    async for client in _webhook(harness, redis, keys):
        for _ in range(2):
            response = await client.post(PATH, data=body, headers=SECRET)
            assert response.status == 200
    assert harness.session.sent_texts(ADMIN_ID) == [GREETING]


async def test_a_repeat_reaching_another_copy_of_the_bot_is_handled_once(
    harness: Harness, redis: Redis, keys: Keys, key_prefix: str
) -> None:
    other = build_harness(team_config(key_prefix), redis, keys)  # a second copy on the same Redis
    body = json.dumps(message_update(ADMIN_ID, "/start"))
    async for first in _webhook(harness, redis, keys):
        async for second in _webhook(other, redis, keys):
            assert (await first.post(PATH, data=body, headers=SECRET)).status == 200
            assert (await second.post(PATH, data=body, headers=SECRET)).status == 200
    await other.close()
    assert harness.session.sent_texts(ADMIN_ID) + other.session.sent_texts(ADMIN_ID) == [GREETING]


async def test_different_updates_are_all_handled(harness: Harness, redis: Redis, keys: Keys) -> None:
    async for client in _webhook(harness, redis, keys):
        for text in ("/start", "/start"):
            response = await client.post(
                PATH, data=json.dumps(message_update(ADMIN_ID, text)), headers=SECRET
            )
            assert response.status == 200
    assert harness.session.sent_texts(ADMIN_ID) == [GREETING, GREETING]
