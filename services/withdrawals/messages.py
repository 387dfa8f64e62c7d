"""Which chat messages were pushed for a request (an approval request to each approver or admin), so
they can all be edited when the request is decided."""

from __future__ import annotations

from redis.asyncio import Redis

from services.redis_client import Keys


class PushedMessages:
    def __init__(self, redis: Redis, keys: Keys, *, keep_s: int) -> None:
        self._redis = redis
        self._keys = keys
        self._keep_s = keep_s

    def _key(self, subject: str) -> str:
        return self._keys("pushed", subject)

    async def remember(self, subject: str, chat_id: int, message_id: int) -> None:
        key = self._key(subject)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, f"{chat_id}:{message_id}")
            pipe.expire(key, self._keep_s)
            await pipe.execute()

    async def of(self, subject: str) -> list[tuple[int, int]]:
        raw: list[str] = await self._redis.lrange(self._key(subject), 0, -1)  # type: ignore[misc]
        pairs = [item.split(":") for item in raw]
        return [(int(chat), int(message)) for chat, message in pairs]
