"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.i18n import LOCALES_DIR, compile_catalogs
from services.redis_client import Keys, create_redis

# Other engineers' tests share this Redis: every test works under its own random prefix
# and removes only its own keys; nothing ever flushes the database.
REDIS_URL = os.environ.get("CHATOPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """The .mo files are not in git; aiogram's I18n needs them."""
    compile_catalogs(LOCALES_DIR)


@pytest.fixture
def key_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def keys(key_prefix: str) -> Keys:
    return Keys(key_prefix)


@pytest.fixture
async def redis(key_prefix: str) -> AsyncIterator[Redis]:
    client = create_redis(REDIS_URL)
    yield client
    async for key in client.scan_iter(match=f"{key_prefix}:*", count=500):
        await client.delete(key)
    await client.aclose()
