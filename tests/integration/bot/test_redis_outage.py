"""The bot on a Redis that goes away and comes back."""

import asyncio
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import redis

from sandbox.net import free_port
from services.redis_client import Keys, create_redis
from tests.integration.bot.harness import ADMIN_ID, STRANGER_ID, Harness, build_harness, team_config
from tests.integration.bot.telegram_double import message_update

pytestmark = pytest.mark.integration

UNAVAILABLE_EN = "The bot is temporarily unavailable, please try again in a minute."
UNAVAILABLE_RU = "Бот временно недоступен, попробуйте ещё раз через минуту."


class PrivateRedis:
    """A redis-server of our own, so stopping it does not disturb anyone else's tests."""

    def __init__(self, extra_args: list[str] | None = None) -> None:
        self.port = free_port()
        self._extra_args = extra_args or []
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Our own server on a free port. Other tests run beside these and take ports too: a port found
        free may be taken before our server binds it (it then exits), and what answers on it may be
        someone else's server, so it counts as started only when the one answering is our process."""
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for this test"
        for _attempt in range(5):
            self._process = subprocess.Popen(
                [
                    binary,
                    *("--port", str(self.port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"),
                    *self._extra_args,
                ],
                stdout=subprocess.DEVNULL,
            )
            if self._answers_as_ours():
                return
            self._process.kill()
            self._process.wait()
            self.port = free_port()
        raise RuntimeError("private redis-server did not start")

    def _answers_as_ours(self) -> bool:
        assert self._process is not None
        for _ in range(200):
            if self._process.poll() is not None:
                return False  # it could not bind the port
            try:
                with redis.Redis(port=self.port, socket_timeout=1) as client:
                    return bool(client.info("server")["process_id"] == self._process.pid)
            except redis.ConnectionError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def harness(private_redis: PrivateRedis, key_prefix: str) -> AsyncIterator[Harness]:
    redis = create_redis(private_redis.url, health_check_interval_s=1)
    built = build_harness(team_config(key_prefix, private_redis.url), redis, Keys(key_prefix))
    yield built
    await built.close()
    await redis.aclose()


async def test_bot_says_unavailable_while_redis_is_down_and_recovers_by_itself(
    harness: Harness, private_redis: PrivateRedis
) -> None:
    await harness.feed(message_update(ADMIN_ID, "/start"))
    assert harness.session.sent_texts()[-1].startswith("Hello, alice!")

    private_redis.stop()
    harness.session.clear()
    await harness.feed(message_update(ADMIN_ID, "/start"))
    await harness.feed(message_update(ADMIN_ID, "/help"))
    # One notice per minute, however many messages arrive during the outage.
    assert harness.session.sent_texts() == [UNAVAILABLE_EN]
    assert "chatops_redis_errors_total 2.0" in harness.metrics.render().decode()

    private_redis.start()
    harness.session.clear()
    await harness.feed(message_update(ADMIN_ID, "/start"))
    assert harness.session.sent_texts()[-1].startswith("Hello, alice!")


async def test_the_outage_notice_uses_the_telegram_language(
    harness: Harness, private_redis: PrivateRedis
) -> None:
    private_redis.stop()
    await harness.feed(message_update(ADMIN_ID, "/start", language_code="ru"))
    assert harness.session.sent_texts() == [UNAVAILABLE_RU]


async def test_strangers_are_not_told_about_the_outage(harness: Harness, private_redis: PrivateRedis) -> None:
    private_redis.stop()
    await harness.feed(message_update(STRANGER_ID, "/start"))
    assert harness.session.sent_texts() == []


async def test_an_outage_during_a_handler_is_answered_too(
    harness: Harness, private_redis: PrivateRedis
) -> None:
    # Redis disappears after the middlewares' reads succeeded, in the middle of the handler.
    original = harness.services.audit.latest

    async def stop_then_read(count: int = 20) -> object:
        private_redis.stop()
        await asyncio.sleep(0)
        return await original(count)

    harness.services.audit.latest = stop_then_read  # type: ignore[method-assign]
    await harness.feed(message_update(ADMIN_ID, "/audit"))
    assert harness.session.sent_texts() == [UNAVAILABLE_EN]
