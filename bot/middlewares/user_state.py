"""One Redis round trip per update for everything the middlewares need to know about its user."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import TelegramObject, User
from redis.asyncio import Redis

from services.outbox.queue import Outbox
from services.user_settings import Preferences, UserSettings

# where the later middlewares find what was read
USER_STATE_KEY = "user_state"


@dataclass(frozen=True)
class UserState:
    """The update's user as Redis knew them when the update arrived."""

    preferences: Preferences
    blocked: bool  # the outbox holds their pushes because Telegram said they blocked the bot


class UserStateMiddleware(FSMContextMiddleware):
    """Replaces aiogram's FSM middleware: the FSM state, the user's /lang and /tz choices and
    whether the outbox marked them as blocking the bot are read in one pipeline, instead of one
    round trip each in four middlewares. The language, time zone and unblock middlewares take
    them from ``data["user_state"]``.

    Everything is read afresh for every update, so a /lang or /tz choice counts from the next
    update on, whichever copy of the bot handles it. With a storage other than Redis (unit
    tests) the state is read from it apart.
    """

    def __init__(
        self,
        storage: BaseStorage,
        events_isolation: BaseEventIsolation,
        *,
        redis: Redis,
        user_settings: UserSettings,
        outbox: Outbox,
    ) -> None:
        super().__init__(storage, events_isolation)
        self._redis = redis
        self._user_settings = user_settings
        self._outbox = outbox

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        context = self.resolve_event_context(cast(Bot, data["bot"]), data)
        data["fsm_storage"] = self.storage
        lock = self.events_isolation.lock(key=context.key) if context else contextlib.nullcontext()
        # as in aiogram's own middleware, the state is read once the lock is held
        async with lock:
            if user is not None:
                data[USER_STATE_KEY], raw_state = await self._read(user.id, context)
            elif context is not None:
                raw_state = await context.get_state()
            if context is not None:
                data.update({"state": context, "raw_state": raw_state})
            return await handler(event, data)

    async def _read(self, user_id: int, context: FSMContext | None) -> tuple[UserState, str | None]:
        language_key, zone_key = self._user_settings.preference_keys(user_id)
        state_key = (
            self.storage.key_builder.build(context.key, "state")
            if context is not None and isinstance(self.storage, RedisStorage)
            else None
        )
        pipe = self._redis.pipeline(transaction=False)
        pipe.get(language_key)
        pipe.get(zone_key)
        pipe.sismember(self._outbox.blocked_key, str(user_id))
        if state_key is not None:
            pipe.get(state_key)
        values = await pipe.execute()
        user_state = UserState(self._user_settings.preferences(values[0], values[1]), bool(values[2]))
        if state_key is None:
            return user_state, await context.get_state() if context is not None else None
        raw_state = values[3]
        return user_state, raw_state.decode() if isinstance(raw_state, bytes) else raw_state
