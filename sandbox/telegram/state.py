"""In-memory state of the emulator: bots and their update queues, chats, messages, files, events."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .flood import FloodLimiter
from .models import ChatInfo, StoredFile, StoredMessage, UserInfo

DEFAULT_BOT_USERNAME = "chatops_test_bot"
PENDING_BOT_ID = 0


class Notifier:
    """Wakes every waiter once per change; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, ready: Callable[[], bool], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not ready():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return ready()
        return True


class EventBus:
    """Fan-out of emulator events to server-sent-event listeners."""

    def __init__(self, backlog: int = 1000) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self._backlog = backlog

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self._backlog)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._queues.discard(queue)

    def close(self) -> None:
        """End every event stream, so that shutting the server down does not wait for listeners."""
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait({"type": "__closed__"})

    def publish(self, kind: str, payload: dict[str, Any]) -> None:
        event = {"type": kind, "time": time.time(), **payload}
        for queue in list(self._queues):
            if queue.full():
                continue  # a listener that stopped reading must not hold the emulator up
            queue.put_nowait(event)


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class CallbackRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class BotState:
    user: UserInfo
    token: str | None
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None
    webhook: WebhookConfig | None = None
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, ChatInfo] = field(default_factory=dict)
    messages: dict[int, dict[int, StoredMessage]] = field(default_factory=dict)
    next_message_id: dict[int, int] = field(default_factory=dict)
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    polling_generation: int = 0
    updates_changed: Notifier = field(default_factory=Notifier)

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self.updates_changed.notify()
        return update

    def confirm_updates(self, offset: int) -> None:
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def drop_unwanted(self) -> None:
        """Telegram never delivers update kinds left out of allowed_updates; they are dropped."""
        if self.allowed_updates:
            self.updates = [u for u in self.updates if any(kind in u for kind in self.allowed_updates)]

    def allocate_message_id(self, chat_id: int) -> int:
        value = self.next_message_id.get(chat_id, 1)
        self.next_message_id[chat_id] = value + 1
        return value

    def chat(self, chat_id: int, **details: Any) -> ChatInfo:
        """The chat with this id, created on first use (private if positive, a group if negative)."""
        chat = self.chats.get(chat_id)
        if chat is None:
            kind = details.pop("type", None) or ("private" if chat_id > 0 else "group")
            chat = ChatInfo(id=chat_id, type=kind, **{k: v for k, v in details.items() if v is not None})
            self.chats[chat_id] = chat
        return chat

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        found = self.messages.get(chat_id, {}).get(message_id)
        return None if found is None or found.deleted else found

    def chat_messages(self, chat_id: int) -> list[StoredMessage]:
        return sorted(self.messages.get(chat_id, {}).values(), key=lambda m: m.message_id)


def commands_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    scope_obj = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps(scope_obj, sort_keys=True, separators=(",", ":")), language_code or ""


class EmulatorState:
    """Everything the emulator knows; one instance per aiohttp application."""

    def __init__(self, *, bot_username: str = DEFAULT_BOT_USERNAME, flood: bool = False) -> None:
        self.bot_username = bot_username
        self.flood_default = flood
        self.events = EventBus()
        self.changes = Notifier()
        self.reset()

    def reset(self) -> None:
        self.bots: dict[int, BotState] = {}
        self.current_bot_id: int | None = None
        self.files: dict[str, StoredFile] = {}
        self.users: dict[int, UserInfo] = {}
        self.calls: list[dict[str, Any]] = []
        self.flood = FloodLimiter(enabled=self.flood_default)
        # users who blocked the bot (sends to them answer 403); method -> calls left to fail with 500
        self.blocked: set[int] = set()
        self.failures: dict[str, int] = {}
        self.seq = 0
        self._ids = itertools.count(1)
        self.changes.notify()

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}_{secrets.token_hex(6)}"

    def bot_for_token(self, token: str, bot_id: int) -> BotState:
        bot = self.bots.get(bot_id)
        if bot is None:
            pending = self.bots.pop(PENDING_BOT_ID, None)
            if pending is not None:
                # Users may have written before the bot's first request; that bot inherits them.
                pending.user.id = bot_id
                bot = pending
            else:
                bot = BotState(user=self._bot_user(bot_id), token=token)
            bot.token = token
            self.bots[bot_id] = bot
        self.current_bot_id = bot_id
        return bot

    def bot_for_control(self, bot_id: int | None = None) -> BotState:
        """The bot a control request is about: the one named, else the last one active."""
        wanted = bot_id if bot_id is not None else self.current_bot_id
        if wanted is not None and wanted in self.bots:
            return self.bots[wanted]
        if bot_id is not None:
            return self.bot_for_token("", bot_id)
        if self.bots:
            return next(iter(self.bots.values()))
        bot = BotState(user=self._bot_user(PENDING_BOT_ID), token=None)
        self.bots[PENDING_BOT_ID] = bot
        return bot

    def _bot_user(self, bot_id: int) -> UserInfo:
        return UserInfo(id=bot_id, first_name="ChatOps Test Bot", username=self.bot_username, is_bot=True)

    def user(self, user_id: int, **details: Any) -> UserInfo:
        user = self.users.get(user_id)
        if user is None:
            user = UserInfo(id=user_id, first_name=details.get("first_name") or f"User {user_id}")
            self.users[user_id] = user
        for name in ("first_name", "username", "language_code"):
            if details.get(name):
                setattr(user, name, details[name])
        return user

    def touch(self, message: StoredMessage, kind: str) -> None:
        """Record a change to a message: bump its sequence number and tell waiters and listeners."""
        message.seq = self.next_seq()
        self.changes.notify()
        self.events.publish(kind, {"chat_id": message.chat.id, "message": message.to_control()})
