"""Counts updates for /metrics and keeps track of the ones in flight for a graceful stop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError

from bot.metrics import BotMetrics


class UpdateTracker(BaseMiddleware):
    """Outermost update middleware: every update passes through it exactly once."""

    def __init__(self, metrics: BotMetrics) -> None:
        self._metrics = metrics
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        update_type = _update_type(event)
        self._metrics.updates.labels(update_type).inc()
        self._enter()
        started = time.perf_counter()
        try:
            return await handler(event, data)
        except Exception:
            self._metrics.handler_errors.labels(update_type).inc()
            raise
        finally:
            self._metrics.update_seconds.observe(time.perf_counter() - started)
            self._leave()

    async def drain(self, timeout_s: float) -> bool:
        """Wait until no update is being processed. False if some were still running at the timeout."""

        async def settle() -> None:
            while True:
                # Polling and the webhook start each update as a new task; yielding once lets
                # tasks created just before the stop reach this middleware and be counted.
                await asyncio.sleep(0)
                if self._in_flight == 0:
                    return
                await self._idle.wait()

        try:
            await asyncio.wait_for(settle(), timeout_s)
        except TimeoutError:
            return False
        return True

    def _enter(self) -> None:
        self._in_flight += 1
        self._metrics.in_flight.inc()
        self._idle.clear()

    def _leave(self) -> None:
        self._in_flight -= 1
        self._metrics.in_flight.dec()
        if self._in_flight == 0:
            self._idle.set()


def _update_type(event: TelegramObject) -> str:
    if isinstance(event, Update):
        try:
            return event.event_type
        except UpdateTypeLookupError:  # an update type newer than this aiogram
            return "unknown"
    return type(event).__name__.lower()
