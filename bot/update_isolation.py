"""One update at a time per member and chat, across every copy of the bot.

Without it a member's next update can be handled while the previous one is still writing its state: a
guided flow sends its picker, the member presses it at once, and the press reads the state from
before the picker, so it is refused as an old one (seen in CI on a loaded machine).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)

# the lock is renewed every RENEW_S while its update is handled, so a copy killed in the middle of one
# holds the member up for HOLD_S at most
HOLD_S = 3.0
RENEW_S = 1.0
# a member waits at most this long behind their own earlier update; then theirs goes ahead unlocked,
# because a stalled reply is worse than the race the lock prevents
WAIT_S = 10.0
POLL_S = 0.05


class _Queue:
    """A member's updates waiting in this copy: only the first of them polls the Redis lock."""

    def __init__(self) -> None:
        self.turn = asyncio.Lock()
        self.waiting = 0


class MemberIsolation(RedisEventIsolation):
    """aiogram's Redis isolation with a bounded wait, no herd of pollers when a member sends many
    updates at once (they queue in this copy first), and a short lock renewed while it is used."""

    def __init__(self, storage: RedisStorage) -> None:
        super().__init__(storage.redis, storage.key_builder)
        self._queues: dict[str, _Queue] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        name = self.key_builder.build(key, "lock")
        queue = self._queues.setdefault(name, _Queue())
        queue.waiting += 1
        deadline = asyncio.get_running_loop().time() + WAIT_S
        try:
            async with self._turn(queue, deadline) as ours, self._redis_lock(name, deadline, ours) as held:
                if not held:
                    log.warning(
                        "an update of chat %s waited %.0f s for the one before it", key.chat_id, WAIT_S
                    )
                yield None
        finally:
            queue.waiting -= 1
            if not queue.waiting:
                del self._queues[name]

    @asynccontextmanager
    async def _turn(self, queue: _Queue, deadline: float) -> AsyncGenerator[bool, None]:
        try:
            async with asyncio.timeout_at(deadline):
                await queue.turn.acquire()
        except TimeoutError:
            yield False
            return
        try:
            yield True
        finally:
            queue.turn.release()

    @asynccontextmanager
    async def _redis_lock(self, name: str, deadline: float, ours: bool) -> AsyncGenerator[bool, None]:
        left = deadline - asyncio.get_running_loop().time()
        if not ours or left <= 0:
            yield False
            return
        lock = self.redis.lock(name, timeout=HOLD_S, sleep=POLL_S, blocking_timeout=left)
        if not await lock.acquire():
            yield False
            return
        keeper = asyncio.create_task(_keep(lock))
        try:
            yield True
        finally:
            keeper.cancel()
            try:
                await lock.release()
            except LockError:
                log.warning("an update lost its member's lock before it ended")


async def _keep(lock: Lock) -> None:
    """Renews the lock while its update is handled; stops, with a warning, once it is lost."""
    while True:
        await asyncio.sleep(RENEW_S)
        try:
            await lock.reacquire()
        except (LockError, RedisError):
            log.warning("an update could not renew its member's lock")
            return


def isolation_for(storage: object) -> BaseEventIsolation:
    """Redis-wide isolation beside a Redis storage (every copy sees it); in-process beside any other."""
    if isinstance(storage, RedisStorage):
        return MemberIsolation(storage)
    return SimpleEventIsolation()
