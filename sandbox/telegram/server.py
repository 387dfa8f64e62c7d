"""The aiohttp application: Bot API at ``/bot{token}/{method}``, file downloads, and the control API."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from . import api_bot, api_messages  # noqa: F401 - importing registers their Bot API methods
from .chat import DEFAULT_USERS, ChatUser, setup_chat_page
from .context import METHODS, Context
from .control import setup_control
from .errors import ApiError
from .params import Params
from .state import DEFAULT_BOT_USERNAME, BotState, EmulatorState
from .webhook import WebhookDelivery

log = logging.getLogger(__name__)

STATE_KEY = web.AppKey("telegram_emulator_state", EmulatorState)
WEBHOOKS_KEY = web.AppKey("telegram_emulator_webhooks", WebhookDelivery)
MAX_REQUEST_BYTES = 60 * 1024 * 1024
_TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,100})$")


def _reply(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


def _error(exc: ApiError) -> web.Response:
    return _reply(exc.envelope(), exc.code)


class BotApi:
    def __init__(self, state: EmulatorState, webhooks: WebhookDelivery) -> None:
        self.state = state
        self.webhooks = webhooks

    async def handle(self, request: web.Request) -> web.Response:
        match = _TOKEN_RE.match(request.match_info["token"])
        if match is None:
            return _error(ApiError(401, "Unauthorized"))
        bot = self.state.bot_for_token(match.group(0), int(match.group(1)))
        name = request.match_info["method"]
        try:
            params = await Params.read(request)
        except ApiError as exc:
            return _error(exc)
        try:
            result = await self.execute(bot, name, params)
        except ApiError as exc:
            return _error(exc)
        return _reply({"ok": True, "result": result})

    async def execute(self, bot: BotState, name: str, params: Params) -> Any:
        """Run one Bot API method, logging the call and its outcome."""
        handler = METHODS.get(name.lower())
        call: dict[str, Any] = {
            "method": name,
            "bot_id": bot.user.id,
            "params": params.loggable(),
            "time": time.time(),
        }
        self.state.calls.append(call)
        if handler is None:
            call["error"] = "Not Found"
            raise ApiError(404, "Not Found: method not found")
        failing = self.state.failures.get(name.lower(), 0)
        if failing > 0:
            self.state.failures[name.lower()] = failing - 1
            call["error"] = "Internal Server Error"
            raise ApiError(500, "Internal Server Error")
        try:
            result = await handler(Context(self.state, bot, self.webhooks), params)
        except ApiError as exc:
            call["error"] = exc.description
            raise
        call["ok"] = True
        return result

    async def download(self, request: web.Request) -> web.StreamResponse:
        if _TOKEN_RE.match(request.match_info["token"]) is None:
            return _error(ApiError(401, "Unauthorized"))
        path = request.match_info["path"]
        for stored in self.state.files.values():
            if stored.file_path == path:
                content_type = stored.mime_type or "application/octet-stream"
                return web.Response(body=stored.data, content_type=content_type)
        return _error(ApiError(404, "Not Found: file not found"))


def create_app(
    *,
    flood: bool = False,
    bot_username: str = DEFAULT_BOT_USERNAME,
    webhook_retry_delay: float = 0.5,
    chat_page: bool = False,
    chat_users: Iterable[ChatUser] = DEFAULT_USERS,
) -> web.Application:
    """Build the emulator. Each application has its own state; nothing is shared between instances.

    ``chat_page`` also serves a chat page at ``/chat/`` where a person talks to the bot as one of
    ``chat_users`` (see ``sandbox.telegram.chat``)."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    state = EmulatorState(bot_username=bot_username, flood=flood)
    api: BotApi | None = None

    async def execute(bot: BotState, name: str, params: Params) -> Any:
        assert api is not None
        return await api.execute(bot, name, params)

    webhooks = WebhookDelivery(execute, retry_delay=webhook_retry_delay)
    api = BotApi(state, webhooks)
    app[STATE_KEY] = state
    app[WEBHOOKS_KEY] = webhooks
    app.router.add_route("*", "/bot{token}/{method}", api.handle)
    app.router.add_get("/file/bot{token}/{path:.+}", api.download)
    setup_control(app, state, webhooks)
    if chat_page:
        setup_chat_page(app, chat_users)

    async def close_webhooks(_: web.Application) -> None:
        await webhooks.close()

    app.on_cleanup.append(close_webhooks)
    return app
