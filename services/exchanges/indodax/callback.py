"""The withdrawal callback: before Indodax goes on with a withdrawCoin it POSTs the request's details to
the account's callback URL and proceeds only if the answer is exactly ``ok``.

The client records what it is about to ask (``expect``) before sending; the bot's web app answers the
callback with ``answer``. A record is used once and expires, and it lives in Redis when the client has
one, so any copy of the bot may receive the callback for a withdrawal another copy sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from aiohttp import web
from aiohttp.typedefs import Handler
from redis.asyncio import Redis

from services.exchanges.callbacks import CallbackReply

OK = "ok"
REFUSED = "refused"

# the callback parameters that must match what we sent (request_id names the record)
CHECKED_FIELDS = (
    "withdraw_currency",
    "withdraw_address",
    "withdraw_amount",
    "withdraw_memo",
    "withdraw_username",
)


def _same(field: str, expected: str, given: str) -> bool:
    if field != "withdraw_amount":
        return expected == given
    try:
        return Decimal(expected) == Decimal(given)
    except InvalidOperation:
        return False


class WithdrawalCallbacks:
    def __init__(self, redis: Redis | None, key: str, ttl: float = 900.0) -> None:
        self._redis = redis
        self._key = key
        self._ttl = ttl
        self._memory: dict[str, tuple[float, dict[str, str]]] = {}

    async def expect(self, request_id: str, fields: Mapping[str, str]) -> None:
        record = {name: fields.get(name, "") for name in CHECKED_FIELDS}
        if self._redis is not None:
            await self._redis.set(f"{self._key}:{request_id}", json.dumps(record), px=int(self._ttl * 1000))
        else:
            self._memory[request_id] = (time.monotonic() + self._ttl, record)

    async def _take(self, request_id: str) -> dict[str, str] | None:
        if self._redis is not None:
            raw = await self._redis.getdel(f"{self._key}:{request_id}")
            return None if raw is None else dict(json.loads(raw))
        expires, record = self._memory.pop(request_id, (0.0, {}))
        return record if expires > time.monotonic() else None

    async def verify(self, params: Mapping[str, str]) -> bool:
        """True once for a withdrawal this account asked for with exactly these details."""
        request_id = params.get("request_id", "")
        record = await self._take(request_id) if request_id else None
        if record is None:
            return False
        return all(_same(name, record[name], params.get(name, "")) for name in CHECKED_FIELDS)

    async def answer(self, params: Mapping[str, str]) -> CallbackReply:
        # Indodax goes on only on exactly "ok"; any other text stops the withdrawal
        return CallbackReply(200, OK if await self.verify(params) else REFUSED)

    def handler(self) -> Handler:
        """An aiohttp handler for the bot's web app: answers the callback POST with "ok" or "refused"."""

        async def handle(request: web.Request) -> web.Response:
            form = await request.post()
            params = {k: str(v) for k, v in form.items()}
            reply = await self.answer(params)
            return web.Response(status=reply.status, text=reply.text, content_type="text/plain")

        return handle
