"""Async test client for the emulator's control API, and a helper that runs the emulator in-process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from .server import create_app


class Button(BaseModel):
    text: str
    callback_data: str | None = None
    url: str | None = None


class MediaInfo(BaseModel):
    model_config = ConfigDict(extra="ignore")

    file_id: str
    url: str
    file_size: int = 0
    width: int | None = None
    height: int | None = None
    file_name: str | None = None
    mime_type: str | None = None


class SentMessage(BaseModel):
    """A message in a chat as the control API reports it (the bot's, or a user's with from_bot False)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    message_id: int
    chat_id: int
    from_bot: bool
    sender: dict[str, Any] = Field(default_factory=dict, alias="from")
    date: int
    text: str | None = None  # plain text, or the caption of a photo or document
    html: str | None = None  # exactly what the bot sent, before parse_mode was applied
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = Field(default_factory=list)
    caption: str | None = None
    buttons: list[list[Button]] = Field(default_factory=list)
    photo: MediaInfo | None = None
    document: MediaInfo | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    history: list[dict[str, Any]] = Field(default_factory=list)
    deleted: bool = False
    seq: int = 0

    @property
    def edited(self) -> bool:
        return self.edit_date is not None

    @property
    def button_labels(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def button(self, label: str) -> Button | None:
        """The first button whose label contains ``label`` (case-insensitive)."""
        wanted = label.lower()
        return next((b for row in self.buttons for b in row if wanted in b.text.lower()), None)


class CallbackAnswer(BaseModel):
    callback_query_id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


class EmulatorError(Exception):
    """The control API refused a request."""


class EmulatorClient:
    """Drives the emulator as users would: send messages, press buttons, read what the bot answered."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None
        self.last_seq = 0  # emulator change counter at our last action; wait_for looks after it

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _request(self, verb: str, path: str, **kwargs: Any) -> Any:
        async with self._http().request(verb, f"{self.base_url}{path}", **kwargs) as resp:
            body = await resp.json()
            if resp.status != 200:
                raise EmulatorError(body.get("error", str(body)) if isinstance(body, dict) else str(body))
            return body

    async def send(self, user_id: int, text: str, **kw: Any) -> SentMessage:
        """Write ``text`` to the bot as user ``user_id``; kw: chat_id, first_name, username,
        language_code, chat_type, chat_title, reply_to_message_id, bot_id."""
        body = await self._request("POST", "/control/messages", json={"user_id": user_id, "text": text, **kw})
        self.last_seq = max(self.last_seq, int(body["seq"]))
        return SentMessage.model_validate(body)

    async def press(
        self, user_id: int, chat_id: int, message_id: int, *, data: str | None = None, text: str | None = None
    ) -> str:
        """Press an inline button (by exact callback data or by label); returns the callback_query_id."""
        if data is None and text is None:
            raise ValueError("press() needs data= or text=")
        payload: dict[str, Any] = {"user_id": user_id, "chat_id": chat_id, "message_id": message_id}
        payload["callback_data" if data is not None else "button_text"] = data if data is not None else text
        body = await self._request("POST", "/control/press", json=payload)
        self.last_seq = max(self.last_seq, int(body["seq"]))
        return str(body["callback_query_id"])

    async def messages(self, chat_id: int, *, bot_only: bool = False) -> list[SentMessage]:
        body = await self._request("GET", f"/control/chats/{chat_id}/messages")
        found = [SentMessage.model_validate(m) for m in body["messages"]]
        return [m for m in found if m.from_bot] if bot_only else found

    async def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10,  # noqa: ASYNC109 - the deadline also bounds each server-side long poll
        *,
        since: int | None = None,
    ) -> SentMessage:
        """The first bot message, sent or edited after our last send/press (or ``since``), that matches."""
        cursor = self.last_seq if since is None else since
        deadline = time.monotonic() + timeout
        seen: list[SentMessage] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                texts = [m.text for m in seen]
                raise TimeoutError(
                    f"no matching bot message in chat {chat_id} within {timeout}s; saw {texts}"
                )
            params = {"since": str(cursor), "timeout": f"{remaining:.3f}"}
            body = await self._request("GET", f"/control/chats/{chat_id}/wait", params=params)
            for raw in body["messages"]:
                message = SentMessage.model_validate(raw)
                seen.append(message)
                if predicate is None or predicate(message):
                    return message
            cursor = max(cursor, int(body["seq"]))

    async def callback_answer(
        self,
        callback_query_id: str,
        timeout: float = 5,  # noqa: ASYNC109 - passed on to the server, which does the waiting
    ) -> CallbackAnswer:
        """The bot's answerCallbackQuery for a press, waiting up to ``timeout`` for it to arrive."""
        params = {"callback_query_id": callback_query_id, "timeout": str(timeout)}
        return CallbackAnswer.model_validate(
            await self._request("GET", "/control/callback_answers", params=params)
        )

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        params = {"method": method} if method else {}
        body = await self._request("GET", "/control/calls", params=params)
        return list(body["calls"])

    async def commands(self) -> list[dict[str, Any]]:
        return list((await self._request("GET", "/control/commands"))["commands"])

    async def file(self, url_or_file_id: str) -> bytes:
        path = url_or_file_id if url_or_file_id.startswith("/") else f"/control/files/{url_or_file_id}"
        async with self._http().get(f"{self.base_url}{path}") as resp:
            if resp.status != 200:
                raise EmulatorError(f"file {url_or_file_id}: HTTP {resp.status}")
            return await resp.read()

    async def set_flood(self, enabled: bool, **settings: float) -> dict[str, Any]:
        return dict(await self._request("POST", "/control/flood", json={"enabled": enabled, **settings}))

    async def block(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks the bot: sending to them answers 403 Forbidden."""
        await self._request("POST", "/control/block", json={"user_id": user_id, "blocked": blocked})

    async def fail(self, method: str, count: int) -> None:
        """The next `count` calls of `method` answer 500 Internal Server Error."""
        await self._request("POST", "/control/fail", json={"method": method, "count": count})

    async def reset(self) -> None:
        await self._request("POST", "/control/reset")
        self.last_seq = 0


@asynccontextmanager
async def running_emulator(**kwargs: Any) -> AsyncIterator[tuple[str, web.Application]]:
    """Serve ``create_app(**kwargs)`` on 127.0.0.1 at a free port; yields (base_url, app)."""
    app = create_app(**kwargs)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        await asyncio.shield(runner.cleanup())
