"""`python -m demo [--port N] [--host H] [--redis-url URL] [--log-level L]` (also `python -m bot demo`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from demo.app import DEFAULT_PORT, DEFAULT_REDIS_URL, DemoOptions
from demo.app import main as run_demo


def parser(prog: str = "python -m bot demo") -> argparse.ArgumentParser:
    demo = argparse.ArgumentParser(
        prog=prog,
        description="run everything offline: simulated exchanges, a Telegram emulator and a chat page",
    )
    demo.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port of the chat page (default: %(default)s)"
    )
    demo.add_argument(
        "--host", default="127.0.0.1", help="address of the chat page; it has no login, keep it private"
    )
    demo.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help="Redis to use if it answers, else a private redis-server is started (default: %(default)s)",
    )
    demo.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    return demo


def main(argv: Sequence[str] | None = None, prog: str = "python -m bot demo") -> int:
    args = parser(prog).parse_args(argv)
    return run_demo(
        DemoOptions(port=args.port, host=args.host, redis_url=args.redis_url, log_level=args.log_level)
    )
