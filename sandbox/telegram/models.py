"""What the emulator keeps about users, chats, files and messages, and their Bot API JSON shapes."""

from __future__ import annotations

import copy
import struct
from dataclasses import dataclass, field
from typing import Any


@dataclass
class UserInfo:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class ChatInfo:
    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    first_name: str | None = None
    username: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or str(self.id)
            if self.username:
                data["username"] = self.username
        else:
            data["title"] = self.title or f"Group {self.id}"
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # photo | document
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def file_path(self) -> str:
        return f"{self.kind}s/{self.file_unique_id}_{self.file_name or 'file'}"

    def to_api(self) -> dict[str, Any]:
        if self.kind == "photo":
            return {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": len(self.data),
            }
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data


@dataclass
class StoredMessage:
    message_id: int
    chat: ChatInfo
    sender: UserInfo
    date: int
    text: str | None = None
    html: str | None = None  # exactly what the bot sent, before parse_mode was applied
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    reply_to: StoredMessage | None = None
    edit_date: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    seq: int = 0  # emulator-wide change counter at this message's last change

    @property
    def from_bot(self) -> bool:
        return self.sender.is_bot

    def content_key(self) -> tuple[Any, ...]:
        """What Telegram compares to decide that an edit changes nothing."""
        return (self.text, self.entities, self.caption, self.caption_entities, self.reply_markup)

    def snapshot(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "html": self.html,
            "caption": self.caption,
            "entities": copy.deepcopy(self.entities),
            "buttons": buttons_of(self.reply_markup),
            "date": self.edit_date or self.date,
        }

    def to_api(self, *, with_reply: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if with_reply and self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        if self.file is not None:
            data["photo" if self.file.kind == "photo" else "document"] = (
                [self.file.to_api()] if self.file.kind == "photo" else self.file.to_api()
            )
        if self.caption:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = self.caption_entities
        if self.reply_markup is not None:
            data["reply_markup"] = self.reply_markup
        return data

    def to_control(self, files_url: str = "/control/files") -> dict[str, Any]:
        media: dict[str, Any] | None = None
        if self.file is not None:
            media = {**self.file.to_api(), "url": f"{files_url}/{self.file.file_id}"}
        return {
            "message_id": self.message_id,
            "chat_id": self.chat.id,
            "from_bot": self.from_bot,
            "from": self.sender.to_api(),
            "date": self.date,
            "text": self.text if self.text is not None else self.caption,
            "html": self.html,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "caption": self.caption,
            "buttons": buttons_of(self.reply_markup),
            "photo": media if self.file is not None and self.file.kind == "photo" else None,
            "document": media if self.file is not None and self.file.kind == "document" else None,
            "reply_to_message_id": self.reply_to.message_id if self.reply_to else None,
            "edit_date": self.edit_date,
            "history": self.history,
            "deleted": self.deleted,
            "seq": self.seq,
        }


def buttons_of(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]]:
    if not markup:
        return []
    return [
        [{"text": b["text"], "callback_data": b.get("callback_data"), "url": b.get("url")} for b in row]
        for row in markup.get("inline_keyboard", [])
    ]


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, JPEG, GIF or WebP image, or None when it is not one."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return 1, 1  # the exact size of a WebP is not worth parsing here
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    return None
