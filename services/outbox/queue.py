"""The queue of pushes: a Redis stream read through one consumer group by every bot copy.

An entry holds what Telegram is sent (the rendered parts, the chat, silent or not) and its kind. A copy
reads entries with XREADGROUP; they stay pending under its name until it acknowledges them after sending,
so a copy that dies leaves them pending, and another takes them over (XAUTOCLAIM) once they have been
idle for `claim_after_s`. A copy keeps its own entries fresh while it holds them, and on a clean stop
makes them idle at once so the next copy takes them without waiting.

How many parts of an entry were sent is kept beside it (the sent-marker), so a copy that takes over an
entry never sends a part again; only a crash between Telegram's answer and that one Redis write can
double a message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.redis_client import Keys

GROUP = "senders"
# an entry released on a clean stop looks idle for this long: past any claim_after_s
_RELEASED_IDLE_MS = 10**9
SENT_MARKER_TTL_S = 7 * 24 * 3600
# how long a push's event key keeps a second push of the same event out: past any watcher's re-tell
ONCE_TTL_S = 7 * 24 * 3600

# KEYS: the stream, the event key; ARGV: its ttl, then the fields as name, value pairs.
# The event key and the entry are written together, so an event told twice (a watcher that died after
# queueing its push and before recording it, then tells it again) is queued once.
_ENQUEUE_ONCE = """
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return false end
return redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
"""


@dataclass(frozen=True, slots=True)
class Push:
    chat_id: int
    parts: tuple[str, ...]
    kind: str = "system"
    silent: bool = False


@dataclass(frozen=True, slots=True)
class Queued:
    id: str
    push: Push


def _decode(entry_id: str, fields: dict[str, str]) -> Queued:
    push = Push(
        chat_id=int(fields["chat"]),
        parts=tuple(json.loads(fields["parts"])),
        kind=fields.get("kind", "system"),
        silent=fields.get("silent") == "1",
    )
    return Queued(entry_id, push)


class Outbox:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self.stream = keys("outbox")
        self._enqueue_once = redis.register_script(_ENQUEUE_ONCE)

    async def enqueue(self, push: Push, once: str | None = None) -> str | None:
        """Queues the push; with ``once`` (a key naming the event and its recipient), only if no push
        under that key was queued before. Returns the entry id, or None when it was a repeat."""
        fields = {
            "chat": str(push.chat_id),
            "parts": json.dumps(list(push.parts), ensure_ascii=False),
            "kind": push.kind,
            "silent": "1" if push.silent else "0",
        }
        if once is None:
            entry_id: str = await self._redis.xadd(self.stream, fields)  # type: ignore[arg-type]
            return entry_id
        pairs = [item for pair in fields.items() for item in pair]
        queued = await self._enqueue_once(
            keys=[self.stream, self._keys("outbox", "once", once)], args=[ONCE_TTL_S, *pairs]
        )
        return None if queued is None else str(queued)

    async def depth(self) -> int:
        """Pushes not yet sent: queued and being sent (a sent one is deleted from the stream)."""
        return int(await self._redis.xlen(self.stream))

    async def ensure_group(self) -> None:
        try:
            await self._redis.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def read(self, consumer: str, count: int, block_ms: int) -> list[Queued]:
        """New entries for this copy, waiting up to `block_ms` for one."""
        try:
            answer = await self._redis.xreadgroup(
                GROUP, consumer, {self.stream: ">"}, count=count, block=block_ms
            )
        except ResponseError as exc:
            # the group is gone (Redis restarted without persistence, or the stream was deleted)
            if "NOGROUP" not in str(exc):
                raise
            await self.ensure_group()
            return []
        return [_decode(entry_id, fields) for _, entries in answer or [] for entry_id, fields in entries]

    async def take_over(self, consumer: str, min_idle_ms: int, count: int) -> list[Queued]:
        """Entries left pending by copies that stopped or died, now this copy's."""
        try:
            answer = await self._redis.xautoclaim(
                self.stream, GROUP, consumer, min_idle_time=min_idle_ms, start_id="0-0", count=count
            )
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            await self.ensure_group()
            return []
        return [_decode(entry_id, fields) for entry_id, fields in answer[1] if fields]

    async def forget_idle_consumers(self, idle_ms: int) -> int:
        """Drops the names of copies gone long ago with nothing pending, so restarts do not pile them up
        (a live copy that is dropped is simply added again by its next read)."""
        try:
            consumers = await self._redis.xinfo_consumers(self.stream, GROUP)
        except ResponseError:
            return 0
        gone = [c["name"] for c in consumers if int(c["pending"]) == 0 and int(c["idle"]) > idle_ms]
        for name in gone:
            await self._redis.xgroup_delconsumer(self.stream, GROUP, name)
        return len(gone)

    async def keep(self, consumer: str, ids: Sequence[str]) -> None:
        """Resets the idle time of entries this copy still holds, so no other copy takes them over."""
        if ids:
            await self._redis.xclaim(self.stream, GROUP, consumer, 0, list(ids), justid=True)

    async def release(self, consumer: str, ids: Sequence[str]) -> None:
        """Makes held entries look long idle, so another copy takes them over at once."""
        if ids:
            await self._redis.xclaim(
                self.stream, GROUP, consumer, 0, list(ids), idle=_RELEASED_IDLE_MS, justid=True
            )

    async def progress(self, entry_id: str) -> int | None:
        """How many parts of the entry were sent, or None when it is done (another copy finished it)."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.get(self._keys("outbox", "sent", entry_id))
        pipe.xrange(self.stream, entry_id, entry_id)
        sent, entries = await pipe.execute()
        return int(sent or 0) if entries else None

    async def mark_sent(self, entry_id: str, parts: int) -> None:
        await self._redis.set(self._keys("outbox", "sent", entry_id), parts, ex=SENT_MARKER_TTL_S)

    async def done(self, entry_id: str) -> None:
        """Sent (or given up): off the stream, its marker with it."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.xack(self.stream, GROUP, entry_id)
        pipe.xdel(self.stream, entry_id)
        pipe.delete(self._keys("outbox", "sent", entry_id))
        await pipe.execute()

    async def block(self, chat_id: int) -> None:
        """The member blocked the bot: nothing more is queued or sent to them until they write again."""
        await self._redis.sadd(self.blocked_key, chat_id)  # type: ignore[misc]

    @property
    def blocked_key(self) -> str:
        """The set of chats that blocked the bot, for a caller that checks it in its own pipeline."""
        return self._keys("outbox", "blocked")

    async def unblock(self, chat_id: int) -> None:
        await self._redis.srem(self.blocked_key, chat_id)  # type: ignore[misc]

    async def is_blocked(self, chat_id: int) -> bool:
        return bool(await self._redis.sismember(self.blocked_key, str(chat_id)))  # type: ignore[misc]
