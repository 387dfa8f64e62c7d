"""Bot API methods about the bot itself and its updates: getMe, getUpdates, webhooks, commands, chats."""

from __future__ import annotations

import re
from typing import Any

from .context import Context, method
from .errors import ApiError, bad_request
from .params import Params
from .state import WebhookConfig, commands_key

MAX_POLL_TIMEOUT = 50
MAX_COMMANDS = 100
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLLING_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}


@method("getMe")
async def get_me(ctx: Context, p: Params) -> Any:
    return {
        **ctx.bot.user.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(ctx: Context, p: Params) -> Any:
    bot = ctx.bot
    if bot.webhook is not None:
        raise ApiError(409, WEBHOOK_ACTIVE)
    offset = p.integer("offset")
    limit = min(max(p.integer("limit") or 100, 1), 100)
    timeout = min(max(p.integer("timeout") or 0, 0), MAX_POLL_TIMEOUT)
    allowed = p.obj("allowed_updates")
    if isinstance(allowed, list):
        bot.allowed_updates = [str(kind) for kind in allowed] or None
    if offset is not None:
        bot.confirm_updates(offset)
    bot.polling_generation += 1
    generation = bot.polling_generation
    bot.updates_changed.notify()  # a poll already waiting learns that it has been superseded

    def ready() -> bool:
        bot.drop_unwanted()
        return bool(bot.updates) or bot.polling_generation != generation or bot.webhook is not None

    await bot.updates_changed.wait_until(ready, timeout)
    if bot.webhook is not None:
        raise ApiError(409, "Conflict: terminated by setWebhook request")
    if bot.polling_generation != generation:
        # Exactly what Telegram answers when two copies of a bot poll at once.
        raise ApiError(409, POLLING_CONFLICT)
    return bot.updates[:limit]


@method("setWebhook")
async def set_webhook(ctx: Context, p: Params) -> Any:
    url = p.string("url") or ""
    if not url:
        return await delete_webhook(ctx, p)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.string("secret_token")
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise bad_request("secret token contains unallowed characters")
    if p.flag("drop_pending_updates"):
        ctx.bot.updates.clear()
    allowed = p.obj("allowed_updates")
    if isinstance(allowed, list):
        ctx.bot.allowed_updates = [str(kind) for kind in allowed] or None
    ctx.bot.webhook = WebhookConfig(
        url=url,
        secret_token=secret,
        max_connections=p.integer("max_connections") or 40,
        allowed_updates=ctx.bot.allowed_updates,
    )
    ctx.bot.updates_changed.notify()
    ctx.webhooks.start(ctx.bot)
    return True


@method("deleteWebhook")
async def delete_webhook(ctx: Context, p: Params) -> Any:
    if p.flag("drop_pending_updates"):
        ctx.bot.updates.clear()
    ctx.bot.webhook = None
    await ctx.webhooks.stop(ctx.bot)
    return True


@method("getWebhookInfo")
async def get_webhook_info(ctx: Context, p: Params) -> Any:
    hook = ctx.bot.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(ctx.bot.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        info["ip_address"] = "127.0.0.1"
        if hook.allowed_updates:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


def _scope(p: Params) -> Any:
    scope = p.obj("scope")
    if scope is None:
        return None
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("wrong scope specified")
    if scope["type"].startswith("chat") and "chat_id" not in scope:
        raise bad_request("chat_id is empty in the scope")
    return scope


def _language(p: Params) -> str | None:
    language = p.string("language_code")
    if language is not None and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return language


@method("setMyCommands")
async def set_my_commands(ctx: Context, p: Params) -> Any:
    commands = p.obj("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = commands_key(_scope(p), _language(p))
    if commands:
        ctx.bot.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
    else:
        ctx.bot.commands.pop(key, None)
    ctx.state.events.publish("commands_changed", {"scope": key[0], "language_code": key[1]})
    return True


@method("getMyCommands")
async def get_my_commands(ctx: Context, p: Params) -> Any:
    return ctx.bot.commands.get(commands_key(_scope(p), _language(p)), [])


@method("deleteMyCommands")
async def delete_my_commands(ctx: Context, p: Params) -> Any:
    ctx.bot.commands.pop(commands_key(_scope(p), _language(p)), None)
    return True


@method("setChatMenuButton")
async def set_chat_menu_button(ctx: Context, p: Params) -> Any:
    button = p.obj("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button JSON object")
    ctx.bot.menu_buttons[p.integer("chat_id")] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(ctx: Context, p: Params) -> Any:
    buttons = ctx.bot.menu_buttons
    return buttons.get(p.integer("chat_id"), buttons.get(None, {"type": "commands"}))


@method("getChat")
async def get_chat(ctx: Context, p: Params) -> Any:
    chat_id = p.chat_id()
    chat = ctx.bot.chats.get(chat_id)
    if chat is None:
        raise bad_request("chat not found")
    return {
        **chat.to_api(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
        },
    }


@method("logOut")
async def log_out(ctx: Context, p: Params) -> Any:
    return True


@method("close")
async def close(ctx: Context, p: Params) -> Any:
    return True
