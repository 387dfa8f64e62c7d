"""The outbox's sender: every bot copy reads the queue through the consumer group and sends within limits.

Why every copy and not only the leader: sending then never pauses while leadership moves, and a copy that
dies hands its pending pushes to whichever copy claims them first; the limits live in Redis, so more
copies do not mean more messages per second. One worker per chat sends that chat's pushes in order, so a
slow chat never holds up the others.

A push is acknowledged after Telegram took it (every part of it). "Retry after" holds the chat for that
long in every copy; network and server errors are retried with backoff; a member who blocked the bot is
marked and skipped; a push Telegram refuses as malformed is logged and dropped (retrying cannot help).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.metrics import BotMetrics
from bot.retry_after import own_retries
from services.outbox.limits import SendLimits
from services.outbox.queue import Outbox, Queued
from services.redis_client import REDIS_UNAVAILABLE_ERRORS, is_redis_unavailable

log = logging.getLogger(__name__)

# pushes one copy holds at a time (read from the stream, not yet sent)
CAPACITY = 300
READ_BLOCK_MS = 1000
BACKOFF_START_S = 0.5
BACKOFF_CAP_S = 60.0
# a copy's name with nothing pending is dropped from the group after this long unseen
FORGET_CONSUMERS_AFTER_MS = 3600 * 1000
# at a clean stop, a send already on the wire gets this long to finish before its push is released
STOP_GRACE_S = 10.0

_TRANSIENT = (TelegramNetworkError, TelegramServerError, TimeoutError)


class _Stopping(Exception):
    """The sender is stopping: the push stays pending, for this or another copy to send later."""


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        outbox: Outbox,
        limits: SendLimits,
        metrics: BotMetrics,
        *,
        consumer: str,
        claim_after_s: float,
    ) -> None:
        self._bot = bot
        self._outbox = outbox
        self._limits = limits
        self._metrics = metrics
        self.consumer = consumer
        self._claim_after_s = claim_after_s
        self._held: dict[str, Queued] = {}
        self._chats: dict[int, deque[Queued]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self._room = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stopping.clear()
        self._loop = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        self._stopping.set()
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
            self._loop = None
        if self._workers:
            _, late = await asyncio.wait(set(self._workers), timeout=STOP_GRACE_S)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        with contextlib.suppress(*REDIS_UNAVAILABLE_ERRORS):
            await self._outbox.release(self.consumer, list(self._held))
        log.info("outbox: %d unsent push(es) left for the next copy", len(self._held))

    async def _run(self) -> None:
        next_claim = next_keep = next_forget = 0.0
        group_ready = False
        while True:
            try:
                if not group_ready:
                    await self._outbox.ensure_group()
                    group_ready = True
                now = time.monotonic()
                if now >= next_keep:
                    await self._outbox.keep(self.consumer, list(self._held))
                    next_keep = now + self._claim_after_s / 3
                if now >= next_claim and self._room_left():
                    taken = await self._outbox.take_over(
                        self.consumer, int(self._claim_after_s * 1000), self._room_left()
                    )
                    self._dispatch(taken)
                    next_claim = now + min(self._claim_after_s / 2, 5.0)
                if now >= next_forget:
                    await self._outbox.forget_idle_consumers(FORGET_CONSUMERS_AFTER_MS)
                    next_forget = now + FORGET_CONSUMERS_AFTER_MS / 1000 / 10
                if self._room_left():
                    self._dispatch(await self._outbox.read(self.consumer, self._room_left(), READ_BLOCK_MS))
                else:
                    self._room.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._room.wait(), 1.0)
            except Exception as exc:  # the loop must outlive any error: sending stops with it
                if is_redis_unavailable(exc):
                    log.warning("outbox: Redis unavailable (%s)", type(exc).__name__)
                else:
                    log.exception("outbox: reading the queue failed")
                await asyncio.sleep(1)

    def _room_left(self) -> int:
        return CAPACITY - len(self._held)

    def _dispatch(self, items: list[Queued]) -> None:
        for item in items:
            if item.id in self._held:
                continue
            self._held[item.id] = item
            chat = item.push.chat_id
            if chat in self._chats:
                self._chats[chat].append(item)
            else:
                self._chats[chat] = deque([item])
                task = asyncio.create_task(self._drain(chat), name=f"outbox-chat-{chat}")
                self._workers.add(task)
                task.add_done_callback(self._workers.discard)

    async def _drain(self, chat: int) -> None:
        queue = self._chats[chat]
        try:
            while queue and not self._stopping.is_set():
                item = queue[0]
                await self._settle(item)
                queue.popleft()
                del self._held[item.id]
                self._room.set()
        except _Stopping:
            pass
        finally:
            del self._chats[chat]

    async def _settle(self, item: Queued) -> None:
        """Sends the push (or drops it for good), retrying with backoff through network and server errors,
        Redis outages and anything unexpected; parts already sent are not sent again."""
        failures = 0
        while True:
            try:
                await self._deliver(item)
                return
            except _Stopping:
                raise
            except REDIS_UNAVAILABLE_ERRORS as exc:
                log.warning("outbox: Redis unavailable while sending (%s)", type(exc).__name__)
            except _TRANSIENT as exc:
                log.warning("outbox: push %s: %s, will retry", item.id, type(exc).__name__)
            except Exception:
                log.exception("outbox: push %s not sent, will retry", item.id)
            failures += 1
            await self._pause(_backoff(failures))

    async def _deliver(self, item: Queued) -> None:
        push = item.push
        sent = await self._outbox.progress(item.id)
        if sent is None:  # another copy finished it
            return
        if await self._outbox.is_blocked(push.chat_id):
            self._metrics.pushes.labels("blocked").inc()
            await self._outbox.done(item.id)
            return
        while sent < len(push.parts):
            reserved, wait = await self._limits.reserve(push.chat_id)
            await self._pause(wait)
            if not reserved:
                continue
            try:
                with own_retries():
                    await self._bot.send_message(
                        push.chat_id,
                        push.parts[sent],
                        parse_mode=ParseMode.HTML,
                        disable_notification=push.silent,
                    )
            except TelegramRetryAfter as exc:
                self._metrics.throttled.inc()
                log.info("outbox: chat %s: retry after %ss", push.chat_id, exc.retry_after)
                await self._limits.hold(push.chat_id, exc.retry_after)
                continue
            except TelegramForbiddenError:
                log.info("outbox: chat %s blocked the bot; no more pushes to it", push.chat_id)
                await self._outbox.block(push.chat_id)
                self._metrics.pushes.labels("blocked").inc()
                break
            except TelegramBadRequest as exc:
                log.error("outbox: push %s to chat %s refused: %s", item.id, push.chat_id, exc.message)
                self._metrics.pushes.labels("refused").inc()
                break
            sent += 1
            self._metrics.pushes.labels("sent").inc()
            if sent < len(push.parts):
                await self._after_send(self._outbox.mark_sent, item.id, sent)
        await self._after_send(self._outbox.done, item.id)

    async def _after_send(self, record: Callable[..., Awaitable[None]], *args: Any) -> None:
        """Records what Telegram took, waiting out a Redis outage: retrying the whole push instead would
        send again what was just sent."""
        failures = 0
        while True:
            try:
                await record(*args)
                return
            except REDIS_UNAVAILABLE_ERRORS as exc:
                failures += 1
                log.warning("outbox: Redis unavailable after a send (%s)", type(exc).__name__)
                await self._pause(_backoff(failures))

    async def _pause(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        if self._stopping.is_set():
            raise _Stopping


def _backoff(failures: int) -> float:
    return float(min(BACKOFF_CAP_S, BACKOFF_START_S * 2 ** (failures - 1)))
