"""The real bot process wired to the emulator and the five exchange simulators (the demo's seeds)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from demo.config import demo_config_data
from demo.exchanges import RunningExchange, running_exchanges
from sandbox.exchanges.common import STATE_KEY, SimExchangeState
from sandbox.net import free_port
from sandbox.telegram.client import EmulatorClient, SentMessage, running_emulator
from services.redis_client import create_redis
from tests.conftest import REDIS_URL
from tests.e2e.bot_process import BotProcess, BotSecrets


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def to_toml(data: Mapping[str, Any]) -> str:
    """Enough TOML for a config: tables of scalars (and lists of scalars), arrays of such tables, and
    arrays of tables inside a table (``[[withdrawals.policy]]``)."""
    lines: list[str] = []
    for section, body in data.items():
        if isinstance(body, list):
            for item in body:
                lines.append(f"[[{section}]]")
                lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
                lines.append("")
        else:
            lines.append(f"[{section}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in body.items() if not _is_tables(v)]
            lines.append("")
            lines += [to_toml({f"{section}.{k}": v}) for k, v in body.items() if _is_tables(v)]
    return "\n".join(lines)


def write_monitoring_config(
    directory: Path,
    *,
    api_url: str,
    redis_url: str,
    redis_prefix: str,
    web_port: int,
    exchanges: list[RunningExchange],
    token: str,
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    data = demo_config_data(
        api_url=api_url,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        web_port=web_port,
        exchanges=exchanges,
        log_level="DEBUG",
    )
    data["telegram"]["token"] = token
    # short, so an account that hangs shows as timed out in a few seconds
    # two days of transfer history: IncoreX serves one day per request, 10 requests a minute
    # no answer reused: tests change an exchange's state and expect the next command to show it
    data["exchanges"] = {"request_timeout_s": 2, "history_days": 2, "read_cache_s": 0}
    data["portfolio"] = {"quote": "USDT", "dust_threshold": "1"}
    # the demo's step-up codes only where a test asks for them (tests/e2e/test_step_up.py)
    data.pop("security", None)
    data["withdrawals"].pop("code_required_above", None)
    data.update({section: dict(values) for section, values in (extra or {}).items()})
    path = directory / "config.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    return path


class Stack:
    """The bot process with the emulator and the five simulators, driven as team members would."""

    def __init__(
        self,
        client: EmulatorClient,
        exchanges: dict[str, RunningExchange],
        web_url: str = "",
        process: BotProcess | None = None,
        redis_prefix: str = "",
        secrets: BotSecrets | None = None,
    ) -> None:
        self.client = client
        self.exchanges = exchanges
        self.web_url = web_url  # the bot's web app: health, metrics, exchange callbacks
        self.process = process  # to restart the bot within a test
        self.redis_prefix = redis_prefix
        self.secrets = secrets or BotSecrets()  # the bot's token is one of them

    async def ask(
        self,
        user_id: int,
        text: str,
        predicate: Callable[[SentMessage], bool] | None = None,
        wait_s: float = 30,
    ) -> SentMessage:
        await self.client.send(user_id, text)
        return await self.client.wait_for(user_id, predicate, timeout=wait_s)

    def state(self, exchange: str) -> SimExchangeState:
        return self.exchanges[exchange].app[STATE_KEY]


@asynccontextmanager
async def running_stack(
    directory: Path,
    extra: Mapping[str, Mapping[str, Any]] | None = None,
    before_start: Callable[[dict[str, RunningExchange]], Awaitable[None]] | None = None,
    redis_url: str = REDIS_URL,
) -> AsyncIterator[Stack]:
    """Starts everything; ``extra`` adds config sections; ``before_start`` acts on the simulators before the
    bot starts; ``redis_url``: a Redis of the test's own. At exit, stops the bot and removes its keys."""
    secrets = BotSecrets()
    prefix = f"test-e2e-stack-{secrets.env_var.lower()}"
    port = free_port()
    async with running_emulator() as (api_url, _app), running_exchanges() as exchanges:
        config = write_monitoring_config(
            directory,
            api_url=api_url,
            redis_url=redis_url,
            redis_prefix=prefix,
            web_port=port,
            exchanges=exchanges,
            token=secrets.token,
            extra=extra,
        )
        by_name = {e.name: e for e in exchanges}
        if before_start is not None:
            await before_start(by_name)
        process = BotProcess(config, port, {})
        await process.start()
        try:
            async with EmulatorClient(api_url) as client:
                yield Stack(client, by_name, f"http://127.0.0.1:{port}", process, prefix, secrets)
        finally:
            await process.stop()
            redis = create_redis(redis_url)
            async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
                await redis.delete(key)
            await redis.aclose()


def has_text(*needles: str) -> Callable[[SentMessage], bool]:
    """Matches a message whose text holds every needle."""
    return lambda m: m.text is not None and all(n in m.text for n in needles)


def edited(message: SentMessage, *needles: str) -> Callable[[SentMessage], bool]:
    """Matches ``message`` once edited to hold every needle."""
    return lambda m: m.message_id == message.message_id and m.edited and has_text(*needles)(m)
