"""Run one exchange simulator: ``python -m sandbox.exchanges NAME [--port N] [--host H] [--demo]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import sys
from types import ModuleType

from sandbox.exchanges.common.seed import demo_seed
from sandbox.exchanges.common.server import serve_forever

NAMES = ("incorex", "indodax", "iqfinex", "narkasa", "exchanger")


def load_simulator(name: str) -> ModuleType | None:
    module_name = f"sandbox.exchanges.{name}"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.exchanges", description=__doc__)
    parser.add_argument("name", choices=NAMES)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port (printed at start)")
    parser.add_argument("--demo", action="store_true", help="richer balances, fees, trade history")
    args = parser.parse_args(argv)
    module = load_simulator(args.name)
    if module is None or not hasattr(module, "create_app"):
        print(f"the {args.name} simulator is not there yet (sandbox/exchanges/{args.name}/)", file=sys.stderr)
        return 2
    seed = demo_seed(args.name) if args.demo else None  # None: the simulator's own default seed
    app = module.create_app(seed)
    print(f"{args.name} simulator", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(app, args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
