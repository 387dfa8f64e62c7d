"""Every benchmark in one run: one table on stdout and bench/results.json.

python -m bench                    # all of them (about 25 minutes on two cores, 1e6 alerts included)
python -m bench alerts push        # only these
python -m bench alerts --alerts 1000,10000,100000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import traceback
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bench import alerts, balance_fanout, confirm, feed_budget, latency, push, updates
from bench.figures import Figure, machine, table, write_json

RESULTS = Path(__file__).with_name("results.json")


def benches(args: argparse.Namespace) -> dict[str, Callable[[], Coroutine[Any, Any, list[Figure]]]]:
    return {
        "alerts": lambda: alerts.run(args.alerts),
        "push": lambda: push.run(args.pushes, args.chats),
        "fanout": lambda: balance_fanout.run(args.latency, args.rounds),
        "budget": lambda: feed_budget.run(args.feed_rounds, many=args.budget_alerts),
        "latency": lambda: latency.run(args.samples),
        "updates": lambda: updates.run(args.updates),
        "confirm": lambda: confirm.run(args.samples),
    }


def sizes(text: str) -> tuple[int, ...]:
    return tuple(int(float(part)) for part in text.split(",") if part)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument(
        "--alerts", type=sizes, default=alerts.DEFAULT_SIZES, help="active alert counts, comma separated"
    )
    parser.add_argument("--pushes", type=int, default=3000, help="pushes queued for the push bench")
    parser.add_argument("--chats", type=int, default=300, help="chats the pushes go to")
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the fan-out bench adds a request")
    parser.add_argument("--rounds", type=int, default=5, help="reports timed per fan-out measurement")
    parser.add_argument("--feed-rounds", type=int, default=3, help="price feed rounds counted per run")
    parser.add_argument(
        "--budget-alerts", type=int, default=10_000, help="alerts of the request budget's second run"
    )
    parser.add_argument(
        "--samples", type=int, default=30, help="price moves timed per exchange (latency), orders (confirm)"
    )
    parser.add_argument("--updates", type=int, default=600, help="updates queued for the throughput bench")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args(argv)
    available = benches(args)
    unknown = [n for n in args.names if n not in available]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(available)}")
    figures: list[Figure] = []
    failed = []
    started = time.perf_counter()
    for name in args.names or list(available):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            figures += asyncio.run(available[name]())
        except Exception:
            # one bench that fails (a shared machine, a timeout) does not lose the others' figures
            traceback.print_exc()
            failed.append(name)
    facts = machine()
    print(f"{facts['nproc']} cores, {facts['cpu']}, Python {facts['python']}")
    print(table(figures))
    print(f"({time.perf_counter() - started:.0f} s)")
    write_json(args.out, figures)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
