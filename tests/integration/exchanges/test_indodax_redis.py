"""With Redis, two copies of the bot share what the withdrawal callback must approve."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from services.exchanges.base import ClientConfig, Credentials
from services.exchanges.indodax.client import IndodaxClient

SENT = {"withdraw_currency": "btc", "withdraw_address": "bc1qxyz", "withdraw_amount": "0.1"}


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:6379/0")
    yield client
    await client.aclose()


def copy(redis: Redis, prefix: str) -> IndodaxClient:
    config = ClientConfig("indodax", Credentials("key", "secret"), redis=redis, redis_prefix=prefix)
    return IndodaxClient(config)


async def test_a_callback_reaching_another_copy_is_approved_once(redis: Redis) -> None:
    prefix = f"test-{uuid.uuid4().hex}"
    sender, receiver = copy(redis, prefix), copy(redis, prefix)
    await sender.withdrawal_callbacks.expect("rid1", SENT)
    try:
        assert (await receiver.withdrawal_callbacks.answer({"request_id": "rid1", **SENT})).text == "ok"
        assert (await receiver.withdrawal_callbacks.answer({"request_id": "rid1", **SENT})).text == "refused"
    finally:
        await redis.delete(*[k async for k in redis.scan_iter(f"{prefix}:*")] or ["-"])
