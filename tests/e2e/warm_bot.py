"""`python -m tests.e2e.warm_bot run --config FILE`: a parent that has imported the bot once and forks a
fresh bot process (`python -m bot run ...`) for every line "fork" on its stdin, printing "FORKED <pid>".

Importing aiogram costs seconds of CPU; a test that kills and restarts the bot fifty times pays it once.
Nothing but imports happens before the fork: each child builds its own event loop, connections and
state, exactly as `python -m bot run` does. The parent exits at the end of its stdin.
"""

from __future__ import annotations

import os
import signal
import sys

import bot.__main__
import bot.runner  # imported ahead: the slow part of a start


def serve(argv: list[str]) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped at once: a killed one is gone
    for line in sys.stdin:
        if line.strip() != "fork":
            continue
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            sys.stdin.close()
            os._exit(bot.__main__.main(argv))
        print(f"FORKED {pid}", flush=True)


if __name__ == "__main__":
    serve(sys.argv[1:])
