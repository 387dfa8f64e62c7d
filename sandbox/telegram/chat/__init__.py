"""A chat page in the browser, served by the emulator: a person talks to the bot as a team member.

The page (``index.html``, ``app.js``, ``style.css`` next to this file) is a client of the emulator's own
control API: it posts messages and button presses (``POST /control/messages``, ``/control/press``), reads
a chat (``GET /control/chats/{id}/messages``) and follows it live (``GET /control/events``). The only
route it adds is ``GET /control/chat/users``: the people the switcher offers, which only the one who
starts the emulator knows (the demo passes its team).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).resolve().parent
PAGE_PATH = "/chat/"


@dataclass(frozen=True)
class ChatUser:
    """Someone the page can act as; ``role`` is only shown (the bot decides what the person may do)."""

    id: int
    name: str
    role: str = ""
    language_code: str = "en"

    def __post_init__(self) -> None:
        # Private chats have the user's id as chat id, and the emulator wants those positive.
        if self.id <= 0:
            raise ValueError(f"chat user ids are positive, got {self.id}")


DEFAULT_USERS = (ChatUser(id=1001, name="alice"),)
USERS_KEY: web.AppKey[tuple[ChatUser, ...]] = web.AppKey("telegram_chat_page_users")


def setup_chat_page(app: web.Application, users: Iterable[ChatUser] = DEFAULT_USERS) -> None:
    """Serve the page at ``/chat/`` (``/`` redirects there) and the user list it starts from."""
    chosen = tuple(users) or DEFAULT_USERS
    ids = [user.id for user in chosen]
    if len(ids) != len(set(ids)):
        raise ValueError("chat users must have distinct ids")
    app[USERS_KEY] = chosen

    async def index(_: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers=_NO_CACHE)

    async def to_page(_: web.Request) -> web.Response:
        raise web.HTTPFound(PAGE_PATH)

    async def users_list(request: web.Request) -> web.Response:
        return web.json_response({"users": [asdict(user) for user in request.app[USERS_KEY]]})

    app.router.add_get("/", to_page)
    app.router.add_get(PAGE_PATH, index)
    app.router.add_get("/control/chat/users", users_list)
    # Only the page's own assets are reachable: add_static would also expose this package's Python files.
    for name in ("app.js", "message.js", "render.js", "style.css"):
        app.router.add_get(PAGE_PATH + name, _asset(name))


# The page is edited while a demo runs; a stale cached script would be confusing.
_NO_CACHE = {"Cache-Control": "no-cache"}


def _asset(name: str) -> Callable[[web.Request], Awaitable[web.FileResponse]]:
    path = STATIC_DIR / name

    async def serve(_: web.Request) -> web.FileResponse:
        return web.FileResponse(path, headers=_NO_CACHE)

    return serve


__all__ = ["DEFAULT_USERS", "PAGE_PATH", "ChatUser", "setup_chat_page"]
