"""Bot API methods that send, edit and delete messages, upload files and answer callback queries."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from .context import Context, method
from .errors import bad_request, forbidden, retry_after
from .models import StoredFile, StoredMessage, image_size
from .params import Params, Upload
from .validation import MAX_CALLBACK_ANSWER, MAX_CAPTION, format_text, validate_reply_markup

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


def _check_flood(ctx: Context, chat_id: int) -> None:
    if chat_id in ctx.state.blocked:
        raise forbidden("bot was blocked by the user")
    wait = ctx.state.flood.acquire(chat_id, is_group=chat_id < 0)
    if wait is not None:
        raise retry_after(wait)


def _reply_target(ctx: Context, p: Params, chat_id: int) -> StoredMessage | None:
    reply = p.obj("reply_parameters")
    if isinstance(reply, dict):
        target_id, allow = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
        chat_id = int(reply.get("chat_id") or chat_id)
    else:
        target_id, allow = p.integer("reply_to_message_id"), p.flag("allow_sending_without_reply")
    if target_id is None:
        return None
    target = ctx.bot.message(chat_id, int(target_id))
    if target is None and not allow:
        raise bad_request("message to be replied not found")
    return target


def _new_message(ctx: Context, p: Params, chat_id: int) -> StoredMessage:
    chat = ctx.bot.chat(chat_id)
    reply_to = _reply_target(ctx, p, chat_id)
    _check_flood(ctx, chat_id)
    return StoredMessage(
        message_id=ctx.bot.allocate_message_id(chat_id),
        chat=chat,
        sender=ctx.bot.user,
        date=int(time.time()),
        reply_to=reply_to,
    )


def _store(ctx: Context, message: StoredMessage) -> dict[str, Any]:
    ctx.bot.messages.setdefault(message.chat.id, {})[message.message_id] = message
    ctx.state.touch(message, "bot_message")
    return message.to_api()


@method("sendMessage")
async def send_message(ctx: Context, p: Params) -> Any:
    chat_id = p.chat_id()
    raw = p.string("text") or ""
    parse_mode = p.string("parse_mode")
    formatted = format_text(raw, parse_mode, p.obj("entities"))
    markup = validate_reply_markup(p.obj("reply_markup"))
    message = _new_message(ctx, p, chat_id)
    message.text, message.html, message.parse_mode = formatted.text, raw, parse_mode
    message.entities, message.reply_markup = formatted.entities, markup
    return _store(ctx, message)


def _stored_file(ctx: Context, p: Params, field: str, kind: str) -> StoredFile:
    source = p.upload(field)
    if source is None:
        raise bad_request(f"there is no {field} in the request")
    if isinstance(source, str):
        known = ctx.state.files.get(source)
        if known is not None:
            return known
        if source.startswith(("http://", "https://")):
            source = Upload(source.rsplit("/", 1)[-1] or "file", None, b"")
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
    limit = MAX_PHOTO_BYTES if kind == "photo" else MAX_DOCUMENT_BYTES
    if len(source.data) > limit:
        raise bad_request("file is too big")
    width = height = 0
    if kind == "photo" and source.data:
        size = image_size(source.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
    unique = hashlib.sha256(source.data + source.filename.encode()).hexdigest()[:16]
    stored = StoredFile(
        file_id=ctx.state.new_id("F"),
        file_unique_id=unique,
        data=source.data,
        kind=kind,
        file_name=source.filename if kind == "document" else None,
        mime_type=source.content_type,
        width=width,
        height=height,
    )
    ctx.state.files[stored.file_id] = stored
    return stored


async def _send_file(ctx: Context, p: Params, field: str, kind: str) -> Any:
    chat_id = p.chat_id()
    raw = p.string("caption") or ""
    parse_mode = p.string("parse_mode")
    formatted = format_text(raw, parse_mode, p.obj("caption_entities"), limit=MAX_CAPTION, is_caption=True)
    markup = validate_reply_markup(p.obj("reply_markup"))
    stored = _stored_file(ctx, p, field, kind)
    message = _new_message(ctx, p, chat_id)
    message.file, message.reply_markup, message.parse_mode = stored, markup, parse_mode
    if formatted.text:
        message.caption, message.caption_entities, message.html = formatted.text, formatted.entities, raw
    return _store(ctx, message)


@method("sendPhoto")
async def send_photo(ctx: Context, p: Params) -> Any:
    return await _send_file(ctx, p, "photo", "photo")


@method("sendDocument")
async def send_document(ctx: Context, p: Params) -> Any:
    return await _send_file(ctx, p, "document", "document")


def _editable(ctx: Context, p: Params, missing: str) -> StoredMessage:
    if p.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    chat_id, message_id = p.chat_id(), p.integer("message_id", required=True)
    assert message_id is not None
    message = ctx.bot.message(chat_id, message_id)
    if message is None:
        raise bad_request(missing)
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _apply_edit(
    ctx: Context, message: StoredMessage, before: tuple[Any, ...], previous: dict[str, Any]
) -> Any:
    if message.content_key() == before:
        raise bad_request(NOT_MODIFIED)
    _check_flood(ctx, message.chat.id)
    message.history.append(previous)
    message.edit_date = int(time.time())
    ctx.state.touch(message, "bot_message_edited")
    return message.to_api()


def _restore(message: StoredMessage, saved: dict[str, Any]) -> None:
    for name, value in saved.items():
        setattr(message, name, value)


_EDITABLE_FIELDS = ("text", "html", "parse_mode", "entities", "caption", "caption_entities", "reply_markup")


async def _edit(ctx: Context, message: StoredMessage, changes: dict[str, Any]) -> Any:
    saved = {name: getattr(message, name) for name in _EDITABLE_FIELDS}
    before, previous = message.content_key(), message.snapshot()
    _restore(message, changes)
    try:
        return _apply_edit(ctx, message, before, previous)
    except Exception:
        _restore(message, saved)
        raise


@method("editMessageText")
async def edit_message_text(ctx: Context, p: Params) -> Any:
    message = _editable(ctx, p, "message to edit not found")
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    raw, parse_mode = p.string("text") or "", p.string("parse_mode")
    formatted = format_text(raw, parse_mode, p.obj("entities"))
    markup = validate_reply_markup(p.obj("reply_markup"))
    # Like Telegram, an edit without reply_markup removes the inline keyboard.
    changes = {
        "text": formatted.text,
        "html": raw,
        "parse_mode": parse_mode,
        "entities": formatted.entities,
        "reply_markup": markup,
    }
    return await _edit(ctx, message, changes)


@method("editMessageCaption")
async def edit_message_caption(ctx: Context, p: Params) -> Any:
    message = _editable(ctx, p, "message to edit not found")
    if message.file is None:
        raise bad_request("there is no caption in the message to edit")
    raw, parse_mode = p.string("caption") or "", p.string("parse_mode")
    formatted = format_text(raw, parse_mode, p.obj("caption_entities"), limit=MAX_CAPTION, is_caption=True)
    changes = {
        "caption": formatted.text or None,
        "caption_entities": formatted.entities,
        "html": raw or None,
        "parse_mode": parse_mode,
        "reply_markup": validate_reply_markup(p.obj("reply_markup")),
    }
    return await _edit(ctx, message, changes)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(ctx: Context, p: Params) -> Any:
    message = _editable(ctx, p, "message to edit not found")
    return await _edit(ctx, message, {"reply_markup": validate_reply_markup(p.obj("reply_markup"))})


@method("deleteMessage")
async def delete_message(ctx: Context, p: Params) -> Any:
    chat_id, message_id = p.chat_id(), p.integer("message_id", required=True)
    assert message_id is not None
    message = ctx.bot.message(chat_id, message_id)
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    ctx.state.touch(message, "bot_message_deleted" if message.from_bot else "user_message_deleted")
    return True


@method("answerCallbackQuery")
async def answer_callback_query(ctx: Context, p: Params) -> Any:
    query_id = p.string("callback_query_id", required=True)
    assert query_id is not None
    record = ctx.bot.callbacks.get(query_id)
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.string("text")
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered, record.text, record.url = True, text, p.string("url")
    record.show_alert = p.flag("show_alert")
    ctx.state.changes.notify()
    event = {"chat_id": record.chat_id, "callback_query_id": query_id, "text": text}
    ctx.state.events.publish("callback_answer", {**event, "show_alert": record.show_alert})
    return True


@method("sendChatAction")
async def send_chat_action(ctx: Context, p: Params) -> Any:
    chat_id, action = p.chat_id(), p.string("action", required=True)
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    ctx.state.events.publish("chat_action", {"chat_id": chat_id, "action": action})
    return True


@method("getFile")
async def get_file(ctx: Context, p: Params) -> Any:
    stored = ctx.state.files.get(p.string("file_id", required=True) or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {**stored.to_api(), "file_path": stored.file_path}
