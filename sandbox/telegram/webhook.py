"""Webhook delivery: POST each pending update to the bot's URL, in order, retrying until it is accepted."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from .params import Params, Upload
from .state import BotState, WebhookConfig

log = logging.getLogger(__name__)

# Runs a Bot API method that the bot returned in its webhook response, as Telegram allows.
Executor = Callable[[BotState, str, Params], Awaitable[Any]]


class WebhookDelivery:
    def __init__(self, execute: Executor, *, retry_delay: float = 0.5, max_retry_delay: float = 10.0) -> None:
        self._execute = execute
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._session: aiohttp.ClientSession | None = None

    def start(self, bot: BotState) -> None:
        task = self._tasks.get(id(bot))
        if task is None or task.done():
            self._tasks[id(bot)] = asyncio.create_task(self._run(bot), name=f"webhook-{bot.user.id}")

    async def stop(self, bot: BotState) -> None:
        task = self._tasks.pop(id(bot), None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self, bot: BotState) -> None:
        failures = 0
        while bot.webhook is not None:
            await bot.updates_changed.wait_until(lambda: bool(bot.updates) or bot.webhook is None, 30)
            bot.drop_unwanted()
            hook = bot.webhook
            if hook is None or not bot.updates:
                continue
            update = bot.updates[0]
            if await self._deliver(bot, hook, update):
                failures = 0
                bot.updates = [u for u in bot.updates if u["update_id"] != update["update_id"]]
            else:
                failures += 1
                await asyncio.sleep(min(self._retry_delay * 2 ** (failures - 1), self._max_retry_delay))

    async def _deliver(self, bot: BotState, hook: WebhookConfig, update: dict[str, Any]) -> bool:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            async with self._session.post(hook.url, data=json.dumps(update), headers=headers) as resp:
                if not 200 <= resp.status < 300:
                    _failed(hook, f"Wrong response from the webhook: {resp.status} {resp.reason}")
                    return False
                reply = await _read_method_reply(resp)
        except (aiohttp.ClientError, TimeoutError) as exc:
            _failed(hook, f"Connection failed: {type(exc).__name__}")
            return False
        if reply is not None:
            name, params = reply
            try:
                await self._execute(bot, name, params)
            except Exception:  # Telegram ignores failures of methods returned in a webhook reply
                log.info("method %s returned by the webhook failed", name, exc_info=True)
        return True


def _failed(hook: WebhookConfig, message: str) -> None:
    hook.last_error_date = int(time.time())
    hook.last_error_message = message


async def _read_method_reply(resp: aiohttp.ClientResponse) -> tuple[str, Params] | None:
    """A method call in the webhook response body, as JSON or multipart/form-data, if there is one."""
    if resp.content_type == "application/json":
        with contextlib.suppress(ValueError, aiohttp.ContentTypeError):
            body = await resp.json()
            if isinstance(body, dict) and isinstance(body.get("method"), str):
                name = body.pop("method")
                return name, Params(body, {})
        return None
    if resp.content_type != "multipart/form-data":
        return None
    values: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    reader = aiohttp.MultipartReader.from_response(resp)
    while (part := await reader.next()) is not None:
        if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
            continue
        if part.filename:
            uploads[part.name] = Upload(part.filename, part.headers.get("Content-Type"), await part.read())
        else:
            values[part.name] = await part.text()
    name = values.pop("method", None)
    return (name, Params(values, uploads)) if isinstance(name, str) else None
