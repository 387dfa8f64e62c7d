"""One update at a time per member and chat, across every copy of the bot.

Without it a member's next update can be handled while the previous one is still writing its state: a
guided flow sends its picker, the member presses it at once, and the press reads the state from
before the picker, so it is refused as an old one (seen in CI on a loaded machine).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.exceptions import LockError

log = logging.getLogger(__name__)

# longer than any handler's own budget (a fan-out over accounts gives up at 15 s), so a lock only
# expires under a handler that hangs, or one that a killed copy left behind
HOLD_S = 30.0
# a member waits at most this long behind their own earlier update; then theirs goes ahead unlocked,
# because a stalled reply is worse than the race the lock prevents
WAIT_S = 10.0
POLL_S = 0.05


class MemberIsolation(RedisEventIsolation):
    """aiogram's Redis isolation with a bounded wait and a lock that may have expired at release."""

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = self.redis.lock(
            self.key_builder.build(key, "lock"), timeout=HOLD_S, sleep=POLL_S, blocking_timeout=WAIT_S
        )
        held = await lock.acquire()
        if not held:
            log.warning(
                "an update of chat %s waited %.0f s for the one before it; handled now", key.chat_id, WAIT_S
            )
        try:
            yield None
        finally:
            if held:
                try:
                    await lock.release()
                except LockError:
                    log.warning("an update of chat %s outlasted its %.0f s lock", key.chat_id, HOLD_S)


def isolation_for(storage: object) -> BaseEventIsolation:
    """Redis-wide isolation beside a Redis storage (every copy sees it); in-process beside any other."""
    if isinstance(storage, RedisStorage):
        return MemberIsolation(storage.redis, storage.key_builder)
    return SimpleEventIsolation()
