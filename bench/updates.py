"""Update throughput: how many updates a second the bot's dispatcher handles with all its middlewares,
against bare aiogram (bench.bare_bot: no middleware, one handler) on the same emulator in the same run.

The updates are queued at the emulator before each bot starts (`/help` from the four demo members in
turn), so the figure is the bot's pace, not the sender's: the replies' count over the time between the
emulator's first and last sendMessage. The bare bot answers with the bot's own reply. The emulator's
flood limits are off here: they would time Telegram, not the dispatcher.

    python -m bench updates [--updates 600]
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import tempfile
import time
from typing import Any

from bench.bot_process import Stack, running_stack
from bench.figures import Figure
from demo.config import DEMO_TOKEN
from sandbox.telegram.client import EmulatorClient

MEMBERS = (1001, 1002, 1003, 1005)
BARE_TOKEN = "654321:BARE"


def bot_id(token: str) -> int:
    return int(token.split(":")[0])


async def queue(client: EmulatorClient, token: str, updates: int) -> None:
    for n in range(updates):
        await client.send(MEMBERS[n % len(MEMBERS)], "/help", bot_id=bot_id(token))


async def replies(stack: Stack, token: str, updates: int, within_s: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        calls = [
            c
            for c in await stack.client.calls("sendMessage")
            if c.get("ok") and c["bot_id"] == bot_id(token) and int(c["params"]["chat_id"]) in MEMBERS
        ]
        if len(calls) >= updates:
            return calls
        await asyncio.sleep(0.1)
    raise TimeoutError(f"fewer than {updates} replies within {within_s:.0f} s")


def per_second(calls: list[dict[str, Any]]) -> float:
    times = sorted(float(c["time"]) for c in calls)
    return (len(times) - 1) / (times[-1] - times[0])


async def bare(stack: Stack, updates: int) -> float:
    await queue(stack.client, BARE_TOKEN, updates)
    ours = (await replies(stack, DEMO_TOKEN, 1, 1))[0]["params"]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as reply:
        json.dump({"text": ours["text"], "parse_mode": ours.get("parse_mode")}, reply)
        reply.flush()
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.bare_bot", stack.emulator_url, BARE_TOKEN, reply.name
        )
        try:
            return per_second(await replies(stack, BARE_TOKEN, updates, 300))
        finally:
            child.send_signal(signal.SIGINT)
            await child.wait()


async def run(updates: int = 600) -> list[Figure]:
    async with running_stack(flood=False, before_start=lambda c: queue(c, DEMO_TOKEN, updates)) as stack:
        ours = per_second(await replies(stack, DEMO_TOKEN, updates, 300))
        baseline = await bare(stack, updates)
    return [
        Figure(
            "updates",
            f"{updates} updates (/help): handled per second, all middlewares",
            ours,
            "upd/s",
            baseline,
            "bare aiogram",
        )
    ]
