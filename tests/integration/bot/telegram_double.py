"""A Bot session that records API calls instead of sending them, for dispatcher-level tests."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message, User


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self._ids = itertools.count(1)
        # (chat, message) -> text of the messages edited so far, to refuse an edit that changes nothing
        self._edited: dict[tuple[int, int], str] = {}

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - BaseSession's signature
    ) -> TelegramType:
        self.calls.append(method)
        if isinstance(method, EditMessageText):
            where = (int(method.chat_id or 0), int(method.message_id or 0))
            if self._edited.get(where) == method.text:
                # what Telegram answers, whether or not the markup is the same
                raise TelegramBadRequest(method, "Bad Request: message is not modified")
            self._edited[where] = method.text
        if isinstance(method, SendMessage | EditMessageText):
            chat_id = int(method.chat_id or 0)
            message = Message(
                message_id=next(self._ids),
                date=datetime.now(UTC),
                chat=Chat(id=chat_id, type="private"),
                text=method.text,
            )
            return message.as_(bot)  # type: ignore[return-value]
        if isinstance(method, GetMe):
            return User(id=42, is_bot=True, first_name="bot", username="chatops_test_bot")  # type: ignore[return-value]
        if isinstance(method, SendPhoto | SendDocument):  # a chart, an export: a message with a caption
            sent = Message(
                message_id=next(self._ids),
                date=datetime.now(UTC),
                chat=Chat(id=int(method.chat_id or 0), type="private"),
                caption=method.caption,
            )
            return sent.as_(bot)  # type: ignore[return-value]
        return True  # type: ignore[return-value]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - BaseSession's signature
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError
        yield b""  # pragma: no cover

    async def close(self) -> None:
        pass

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            str(call.text)
            for call in self.calls
            if isinstance(call, SendMessage | EditMessageText)
            and (chat_id is None or call.chat_id == chat_id)
        ]

    def answered_queries(self) -> list[str]:
        """The ids of the callback queries answered, once per answer."""
        return [call.callback_query_id for call in self.calls if isinstance(call, AnswerCallbackQuery)]

    def alerts(self) -> list[str]:
        return [str(call.text) for call in self.calls if isinstance(call, AnswerCallbackQuery) and call.text]

    def clear(self) -> None:
        self.calls.clear()


_update_ids = itertools.count(1)


def message_update(
    user_id: int,
    text: str,
    *,
    language_code: str | None = "en",
    first_name: str = "U",
    chat: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message from `user_id`, in their private chat unless `chat` says otherwise."""
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    )
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_update_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": chat or {"id": user_id, "type": "private"},
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name,
                "language_code": language_code,
            },
            "text": text,
            "entities": entities,
        },
    }


def callback_update(
    user_id: int,
    data: str | None,
    *,
    language_code: str | None = "en",
    message_id: int | None = None,
    chat: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A press on a button of the bot's message `message_id` (a new one unless given), in the
    presser's private chat unless `chat` says otherwise; `data` None is a press without data."""
    update: dict[str, Any] = {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": {"id": user_id, "is_bot": False, "first_name": "U", "language_code": language_code},
            "chat_instance": "ci",
            "message": {
                "message_id": message_id or next(_update_ids),
                "date": int(datetime.now(UTC).timestamp()),
                "chat": chat or {"id": user_id, "type": "private"},
                "from": {"id": 42, "is_bot": True, "first_name": "bot"},
                "text": "menu",
            },
        },
    }
    if data is not None:
        update["callback_query"]["data"] = data
    return update
