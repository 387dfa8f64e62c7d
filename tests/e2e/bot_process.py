"""The real bot, run as `python -m bot run --config FILE` in a subprocess, and its test config."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
# Importing aiogram alone takes seconds on a loaded CI machine.
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 40.0

ADMIN_ID, TRADER_ID, VIEWER_ID = 1001, 1002, 1003


@dataclass
class BotSecrets:
    """Distinct, recognisable secret values, one per way of writing a secret."""

    # A different bot id per process, so the emulator keeps each bot's chats apart.
    token: str = field(default_factory=lambda: f"{random.randint(10**8, 10**9)}:E2eTok_{uuid.uuid4().hex}")
    webhook_secret: str = field(default_factory=lambda: f"whsec_{uuid.uuid4().hex}")
    env_api_key: str = field(default_factory=lambda: f"envkey-{uuid.uuid4().hex}")
    file_api_secret: str = field(default_factory=lambda: f"filesecret-{uuid.uuid4().hex}")
    env_var: str = field(default_factory=lambda: f"E2E_KEY_{uuid.uuid4().hex[:8].upper()}")

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":")[0])

    def values(self) -> list[str]:
        return [self.token, self.webhook_secret, self.env_api_key, self.file_api_secret]


def write_config(
    directory: Path,
    *,
    api_url: str,
    web_port: int,
    redis_prefix: str,
    secrets: BotSecrets,
    mode: str = "polling",
) -> Path:
    secret_file = directory / "indodax.secret"
    secret_file.write_text(secrets.file_api_secret + "\n", encoding="utf-8")
    webhook = ""
    if mode == "webhook":
        webhook = (
            f'webhook_url = "http://127.0.0.1:{web_port}/tg/webhook"\n'
            f'webhook_secret = "{secrets.webhook_secret}"\n'
        )
    text = f"""
[telegram]
token = "{secrets.token}"
api_url = "{api_url}"
mode = "{mode}"
{webhook}
[redis]
url = "redis://127.0.0.1:6379/0"
prefix = "{redis_prefix}"

[web]
host = "127.0.0.1"
port = {web_port}

[logging]
level = "DEBUG"

[[team]]
telegram_id = {ADMIN_ID}
name = "alice"
role = "admin"

[[team]]
telegram_id = {TRADER_ID}
name = "tom"
role = "trader"

[[team]]
telegram_id = {VIEWER_ID}
name = "vera"
role = "viewer"

[[accounts]]
name = "indodax-main"
exchange = "indodax"
api_key = "env:{secrets.env_var}"
api_secret = "file:{secret_file}"
"""
    path = directory / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


class BotProcess:
    def __init__(self, config_path: Path, web_port: int, env: dict[str, str]) -> None:
        self.config_path = config_path
        self.web_url = f"http://127.0.0.1:{web_port}"
        self._env = env
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lines: list[str] = []

    @property
    def output(self) -> str:
        return "".join(self._lines)

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process else None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(self.config_path),
            cwd=ROOT,
            env={**os.environ, **self._env, "PYTHONUNBUFFERED": "1"},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read_output())
        await self._wait_healthy()

    async def _read_output(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        async for raw in self._process.stdout:
            self._lines.append(raw.decode("utf-8", "replace"))

    async def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.returncode is not None:
                    raise AssertionError(f"bot exited with {self.returncode}:\n{self.output}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{self.web_url}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.2)
        raise AssertionError(f"bot not healthy after {START_TIMEOUT_S}s:\n{self.output}")

    def send_signal(self, sig: signal.Signals) -> None:
        """A signal that is not a stop: SIGSTOP freezes the process where it is, SIGCONT thaws it."""
        assert self._process is not None
        self._process.send_signal(sig)

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send `sig`, wait for the exit and for the rest of the output; return the exit code."""
        assert self._process is not None
        if self._process.returncode is None:
            self._process.send_signal(sig)
            try:
                await asyncio.wait_for(self._process.wait(), STOP_TIMEOUT_S)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
                raise AssertionError(f"bot did not stop within {STOP_TIMEOUT_S}s:\n{self.output}") from None
        if self._reader is not None:
            await self._reader
        assert self._process.returncode is not None
        return self._process.returncode
