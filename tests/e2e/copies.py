"""Copies of the real bot on one Redis in webhook mode, and a small round-robin HTTP proxy in front of
them, as a load balancer."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from demo.exchanges import RunningExchange
from sandbox.net import free_port
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets
from tests.e2e.monitoring_stack import write_monitoring_config

WEBHOOK_PATH = "/tg/webhook"

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


class RoundRobin:
    """A small HTTP proxy: each request goes to the next copy in turn, its answer comes back as it is."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.forwarded = dict.fromkeys(backends, 0)
        self._next = itertools.cycle(backends)
        self._http: aiohttp.ClientSession | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self.forward)
        app.on_cleanup.append(self._close)
        return app

    async def forward(self, request: web.Request) -> web.Response:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        backend = next(self._next)
        self.forwarded[backend] += 1
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        async with self._http.request(
            request.method, backend + request.path_qs, headers=headers, data=await request.read()
        ) as answer:
            body = await answer.read()
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
            return web.Response(status=answer.status, body=body, headers=kept)

    async def _close(self, _app: web.Application) -> None:
        if self._http is not None:
            await self._http.close()


def webhook_config(
    directory: Path,
    port: int,
    *,
    api_url: str,
    webhook_url: str,
    prefix: str,
    secrets: BotSecrets,
    exchanges: list[RunningExchange],
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    """One copy's config (in ``directory``, made here) serving on ``port``; every copy shares the token,
    the webhook (the proxy's URL) and the Redis prefix."""
    directory.mkdir()
    telegram = {
        "token": secrets.token,
        "api_url": api_url,
        "mode": "webhook",
        "webhook_url": webhook_url,
        "webhook_secret": secrets.webhook_secret,
    }
    return write_monitoring_config(
        directory,
        api_url=api_url,
        redis_url=REDIS_URL,
        redis_prefix=prefix,
        web_port=port,
        exchanges=exchanges,
        token=secrets.token,
        extra={**(extra or {}), "telegram": telegram},
    )


def own_webhook_copy(
    directory: Path,
    *,
    api_url: str,
    prefix: str,
    secrets: BotSecrets,
    exchanges: list[RunningExchange],
    extra: Mapping[str, Mapping[str, Any]],
) -> BotProcess:
    """A copy (not started) that Telegram calls at its own webhook: the leader tests kill one copy and
    watch the other take over, with no proxy in between."""
    port = free_port()
    webhook_url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    config = webhook_config(
        directory,
        port,
        api_url=api_url,
        webhook_url=webhook_url,
        prefix=prefix,
        secrets=secrets,
        exchanges=exchanges,
        extra=extra,
    )
    return BotProcess(config, port, {})


async def leader_of(process: BotProcess, http: aiohttp.ClientSession) -> str:
    """Who holds the leader lease, as the copy's /healthz says ("this copy" or "another copy")."""
    async with http.get(f"{process.web_url}/healthz") as response:
        return str((await response.json())["leader"])
