"""Command line: `python -m bot run|check-config [--config PATH]`, `python -m bot demo [--port N]`."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import sys
from collections.abc import Sequence

from bot.config import CONFIG_ENV_VAR, Config, ConfigError, load_config, resolve_config_path
from bot.log import configure_logging

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Telegram chat-ops bot")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    config_help = f"path of the TOML config (default: ${CONFIG_ENV_VAR})"
    run = commands.add_parser("run", help="run the bot (polling or webhook, as configured)")
    run.add_argument("--config", help=config_help)
    check = commands.add_parser("check-config", help="validate the config and print it with secrets hidden")
    check.add_argument("--config", help=config_help)
    # the demo parses its own options (python -m bot demo --help)
    commands.add_parser(
        "demo",
        help="run everything offline: simulated exchanges, a Telegram emulator and a chat page",
        add_help=False,
    )
    return parser


def _load(cli_value: str | None) -> Config | None:
    try:
        return load_config(resolve_config_path(cli_value))
    except ConfigError as exc:
        print("config has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def check_config(cli_value: str | None) -> int:
    config = _load(cli_value)
    if config is None:
        return 1
    # JSON mode renders every SecretStr as "**********".
    print(json.dumps(config.model_dump(mode="json"), indent=2, ensure_ascii=False))
    return 0


def run(cli_value: str | None) -> int:
    config = _load(cli_value)
    if config is None:
        return 1
    configure_logging(config.logging.level, config.secret_values())
    from bot import runner  # imported late: aiogram and friends are not needed by check-config

    try:
        asyncio.run(runner.run(config))
    except Exception:
        # Logged rather than left to the interpreter so the redaction filter sees the traceback.
        log.exception("the bot stopped because of an error")
        return 1
    return 0


def demo(argv: Sequence[str]) -> int:
    # The demo sits above the bot: it runs the simulators, the emulator and the bot. The product never
    # imports it (an import-linter contract), so the command loads it by name.
    cli = importlib.import_module("demo.cli")
    return int(cli.main(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args, rest = _parser().parse_known_args(argv)
    if args.command == "demo":
        return demo(rest)
    if rest:
        _parser().error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "check-config":
        return check_config(args.config)
    return run(args.config)


if __name__ == "__main__":
    sys.exit(main())
