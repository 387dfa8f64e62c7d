"""Run the Telegram Bot API emulator on its own: ``python -m sandbox.telegram --port 8081``."""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from .server import create_app
from .state import DEFAULT_BOT_USERNAME


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--flood", action="store_true", help="enforce Telegram's flood limits (429)")
    parser.add_argument("--bot-username", default=DEFAULT_BOT_USERNAME)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(flood=args.flood, bot_username=args.bot_username)
    web.run_app(app, host=args.host, port=args.port, print=lambda text: logging.info("%s", text))


if __name__ == "__main__":
    main()
