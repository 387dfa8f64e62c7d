"""Control API under ``/control/``: act as users, inspect what the bot did, and change emulator settings."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import time
from typing import Any

from aiohttp import web

from .models import StoredMessage
from .state import BotState, CallbackRecord, EmulatorState
from .validation import utf16_len
from .webhook import WebhookDelivery

MAX_WAIT = 120.0
SSE_HEARTBEAT = 15.0


def _fail(reason: str, status: int = 400) -> web.HTTPException:
    error = web.HTTPNotFound if status == 404 else web.HTTPBadRequest
    return error(text=json.dumps({"error": reason}), content_type="application/json")


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise _fail("body must be JSON") from None
    if not isinstance(body, dict):
        raise _fail("body must be a JSON object")
    return body


def _int(source: dict[str, Any] | Any, name: str, default: int | None = None) -> int:
    value = source.get(name, default)
    if value is None or value == "":
        if default is not None:
            return default
        raise _fail(f"{name} is required")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _fail(f"{name} must be an integer") from None


def _opt_int(source: Any, name: str) -> int | None:
    value = source.get(name)
    return None if value in (None, "") else _int(source, name)


def _timeout(request: web.Request, default: float = 10.0) -> float:
    try:
        return max(0.0, min(float(request.query.get("timeout", default)), MAX_WAIT))
    except ValueError:
        raise _fail("timeout must be a number") from None


class ControlApi:
    def __init__(self, state: EmulatorState, webhooks: WebhookDelivery) -> None:
        self.state = state
        self.webhooks = webhooks

    def _bot(self, source: Any) -> BotState:
        return self.state.bot_for_control(_opt_int(source, "bot_id"))

    async def post_message(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user_id, text = _int(body, "user_id"), body.get("text")
        if not isinstance(text, str) or not text:
            raise _fail("text is required")
        chat_type = str(body.get("chat_type") or "private")
        chat_id = _int(body, "chat_id", user_id)
        if (chat_type == "private") != (chat_id > 0) or chat_type not in ("private", "group", "supergroup"):
            raise _fail("private chats have positive ids, group and supergroup chats negative ones")
        bot = self._bot(body)
        user = self.state.user(
            user_id,
            first_name=body.get("first_name"),
            username=body.get("username"),
            language_code=body.get("language_code"),
        )
        details: dict[str, Any] = {"type": chat_type, "title": body.get("chat_title")}
        if chat_type == "private":
            details = {"type": chat_type, "first_name": user.first_name, "username": user.username}
        chat = bot.chat(chat_id, **details)
        reply_to = None
        if (reply_id := _opt_int(body, "reply_to_message_id")) is not None:
            reply_to = bot.message(chat_id, reply_id)
            if reply_to is None:
                raise _fail("message to reply to not found")
        message = StoredMessage(
            message_id=bot.allocate_message_id(chat_id),
            chat=chat,
            sender=user,
            date=int(time.time()),
            text=text,
            reply_to=reply_to,
        )
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message.entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        bot.messages.setdefault(chat_id, {})[message.message_id] = message
        update = bot.push_update("message", message.to_api())
        self.state.touch(message, "user_message")
        reply = {**message.to_control(), "update_id": update["update_id"], "seq": self.state.seq}
        return web.json_response(reply)

    async def press(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user_id = _int(body, "user_id")
        chat_id, message_id = _int(body, "chat_id", user_id), _int(body, "message_id")
        bot = self._bot(body)
        message = bot.message(chat_id, message_id)
        if message is None or not message.from_bot:
            raise _fail("no such bot message in this chat")
        data = _find_button(message, body.get("callback_data"), body.get("button_text"))
        user = self.state.user(user_id)
        record = CallbackRecord(
            id=str(secrets.randbits(63)), user_id=user_id, chat_id=chat_id, message_id=message_id, data=data
        )
        bot.callbacks[record.id] = record
        instance = hashlib.sha256(f"{bot.user.id}:{chat_id}".encode()).hexdigest()[:16]
        query = {
            "id": record.id,
            "from": user.to_api(),
            "message": message.to_api(),
            "chat_instance": str(int(instance, 16)),
            "data": data,
        }
        update = bot.push_update("callback_query", query)
        self.state.events.publish(
            "callback_query", {"chat_id": chat_id, "message_id": message_id, "user_id": user_id, "data": data}
        )
        reply = {"callback_query_id": record.id, "update_id": update["update_id"], "seq": self.state.seq}
        return web.json_response(reply)

    async def chat_messages(self, request: web.Request) -> web.Response:
        chat_id = _int(request.match_info, "chat_id")
        bot = self._bot(request.query)
        messages = [m.to_control() for m in bot.chat_messages(chat_id)]
        return web.json_response({"chat_id": chat_id, "messages": messages, "seq": self.state.seq})

    async def wait(self, request: web.Request) -> web.Response:
        """Long-poll for bot messages in a chat newer than ``after_message_id`` or changed after ``since``."""
        chat_id = _int(request.match_info, "chat_id")
        bot = self._bot(request.query)
        after_id, since = _opt_int(request.query, "after_message_id"), _opt_int(request.query, "since")
        start_seq = self.state.seq if since is None else since

        def changed() -> list[StoredMessage]:
            found = [
                m
                for m in bot.chat_messages(chat_id)
                if m.from_bot and (m.seq > start_seq or (after_id is not None and m.message_id > after_id))
            ]
            return sorted(found, key=lambda m: m.seq)

        await self.state.changes.wait_until(lambda: bool(changed()), _timeout(request))
        return web.json_response({"messages": [m.to_control() for m in changed()], "seq": self.state.seq})

    async def callback_answers(self, request: web.Request) -> web.Response:
        bot = self._bot(request.query)
        query_id = request.query.get("callback_query_id")
        if query_id is None:
            return web.json_response({"answers": [_answer(r) for r in bot.callbacks.values()]})
        record = bot.callbacks.get(query_id)
        if record is None:
            raise _fail("unknown callback_query_id", 404)
        await self.state.changes.wait_until(lambda: record.answered, _timeout(request, 0.0))
        return web.json_response(_answer(record))

    async def calls(self, request: web.Request) -> web.Response:
        wanted = request.query.get("method")
        calls = [c for c in self.state.calls if wanted is None or c["method"].lower() == wanted.lower()]
        return web.json_response({"calls": calls})

    async def commands(self, request: web.Request) -> web.Response:
        bot = self._bot(request.query)
        stored = [
            {"scope": json.loads(scope), "language_code": language or None, "commands": commands}
            for (scope, language), commands in bot.commands.items()
        ]
        return web.json_response({"commands": stored})

    async def chats(self, request: web.Request) -> web.Response:
        bot = self._bot(request.query)
        chats = [c.to_api() for c in bot.chats.values()]
        return web.json_response({"bot": bot.user.to_api(), "chats": chats})

    async def reset(self, request: web.Request) -> web.Response:
        await self.webhooks.close()
        self.state.reset()
        self.state.events.publish("reset", {})
        return web.json_response({"ok": True})

    async def flood(self, request: web.Request) -> web.Response:
        body = await _body(request)
        names = ("per_chat_rate", "per_chat_burst", "global_rate", "group_per_minute")
        try:
            settings = {name: float(body[name]) for name in names if body.get(name) is not None}
            self.state.flood.configure(bool(body.get("enabled", True)), **settings)
        except (TypeError, ValueError):
            raise _fail("flood settings must be numbers") from None
        flood = self.state.flood
        return web.json_response({"enabled": flood.enabled, **vars(flood.settings)})

    async def block(self, request: web.Request) -> web.Response:
        """{"user_id": ID, "blocked": true|false}: the user blocks (or unblocks) the bot."""
        body = await _body(request)
        try:
            user_id = int(body["user_id"])
        except (KeyError, TypeError, ValueError):
            raise _fail("user_id must be a number") from None
        if body.get("blocked", True):
            self.state.blocked.add(user_id)
        else:
            self.state.blocked.discard(user_id)
        return web.json_response({"blocked": sorted(self.state.blocked)})

    async def fail(self, request: web.Request) -> web.Response:
        """{"method": NAME, "count": N}: the next N calls of that method answer 500."""
        body = await _body(request)
        try:
            self.state.failures[str(body["method"]).lower()] = int(body["count"])
        except (KeyError, TypeError, ValueError):
            raise _fail("method and count are required") from None
        return web.json_response({"failures": self.state.failures})

    async def file(self, request: web.Request) -> web.Response:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise _fail("unknown file_id", 404)
        headers = {}
        if stored.file_name:
            headers["Content-Disposition"] = f'inline; filename="{stored.file_name}"'
        fallback = "image/png" if stored.kind == "photo" else "application/octet-stream"
        content_type = stored.mime_type or fallback
        return web.Response(body=stored.data, content_type=content_type, headers=headers)

    async def events(self, request: web.Request) -> web.StreamResponse:
        headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        queue = self.state.events.subscribe()
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), SSE_HEARTBEAT)
                except TimeoutError:
                    await response.write(b": ping\n\n")
                    continue
                if event["type"] == "__closed__":
                    break
                data = json.dumps(event, ensure_ascii=False)
                await response.write(f"event: {event['type']}\ndata: {data}\n\n".encode())
        except ConnectionResetError:
            return response  # the listener went away
        finally:
            self.state.events.unsubscribe(queue)
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response


def _find_button(message: StoredMessage, data: Any, label: Any) -> str:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    buttons = [b for row in rows for b in row if "callback_data" in b]
    for button in buttons:
        if data is not None and button["callback_data"] == data:
            return str(button["callback_data"])
        if data is None and label is not None and str(label).lower() in button["text"].lower():
            return str(button["callback_data"])
    raise _fail("no such callback button on that message")


def _answer(record: CallbackRecord) -> dict[str, Any]:
    return {
        "callback_query_id": record.id,
        "chat_id": record.chat_id,
        "message_id": record.message_id,
        "data": record.data,
        "answered": record.answered,
        "text": record.text,
        "show_alert": record.show_alert,
        "url": record.url,
    }


def setup_control(app: web.Application, state: EmulatorState, webhooks: WebhookDelivery) -> None:
    api = ControlApi(state, webhooks)
    routes = app.router
    routes.add_post("/control/messages", api.post_message)
    routes.add_post("/control/press", api.press)
    routes.add_get("/control/chats", api.chats)
    routes.add_get("/control/chats/{chat_id}/messages", api.chat_messages)
    routes.add_get("/control/chats/{chat_id}/wait", api.wait)
    routes.add_get("/control/callback_answers", api.callback_answers)
    routes.add_get("/control/calls", api.calls)
    routes.add_get("/control/commands", api.commands)
    routes.add_post("/control/reset", api.reset)
    routes.add_post("/control/flood", api.flood)
    routes.add_post("/control/block", api.block)
    routes.add_post("/control/fail", api.fail)
    routes.add_get("/control/files/{file_id}", api.file)
    routes.add_get("/control/events", api.events)

    async def close_streams(_: web.Application) -> None:
        state.events.close()

    app.on_shutdown.append(close_streams)
