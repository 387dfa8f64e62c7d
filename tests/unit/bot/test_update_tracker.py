import asyncio
from typing import Any

import pytest
from aiogram.types import TelegramObject

from bot.metrics import BotMetrics
from bot.middlewares.tracking import UpdateTracker


async def _slow_handler(event: TelegramObject, data: dict[str, Any]) -> str:
    await asyncio.sleep(0.2)
    return "done"


async def test_drain_waits_for_updates_in_flight() -> None:
    tracker = UpdateTracker(BotMetrics())
    task = asyncio.create_task(tracker(_slow_handler, TelegramObject(), {}))
    assert await tracker.drain(5)
    assert task.done() and task.result() == "done"


async def test_drain_counts_an_update_task_created_just_before_the_stop() -> None:
    tracker = UpdateTracker(BotMetrics())
    task = asyncio.create_task(tracker(_slow_handler, TelegramObject(), {}))  # not started yet
    assert await tracker.drain(5)
    assert task.done()


async def test_drain_gives_up_at_the_timeout() -> None:
    tracker = UpdateTracker(BotMetrics())
    task = asyncio.create_task(tracker(_slow_handler, TelegramObject(), {}))
    assert not await tracker.drain(0.05)
    assert tracker.in_flight == 1
    await task


async def test_handler_errors_are_counted_and_reraised() -> None:
    metrics = BotMetrics()
    tracker = UpdateTracker(metrics)

    async def failing(event: TelegramObject, data: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await tracker(failing, TelegramObject(), {})
    assert "chatops_handler_errors_total" in metrics.render().decode()
    assert tracker.in_flight == 0
