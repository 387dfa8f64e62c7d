"""Serving a simulator app: on a free port inside a test, or in the foreground for a demo."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web


@contextlib.asynccontextmanager
async def running(app: web.Application, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve ``app`` until the block ends; yields its base URL (``http://127.0.0.1:PORT``, no slash)."""
    runner = web.AppRunner(app, shutdown_timeout=1.0, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.base_events.Server)
        bound_port = server.sockets[0].getsockname()[1]
        yield f"http://{host}:{bound_port}"
    finally:
        await runner.cleanup()


async def serve_forever(app: web.Application, host: str, port: int) -> None:
    async with running(app, host, port) as base_url:
        print(f"serving at {base_url} (control routes under {base_url}/_control/)", flush=True)
        await asyncio.Event().wait()
