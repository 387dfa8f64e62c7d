"""The demo's bot config: a small team, one account per simulator, Telegram = the local emulator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.config import Config, parse_config
from demo.exchanges import RunningExchange
from sandbox.telegram.chat import ChatUser

# A well-formed token (Telegram's "<bot id>:<secret>") that no real bot has.
DEMO_TOKEN = "123456:DEMO"


@dataclass(frozen=True)
class DemoMember:
    telegram_id: int
    name: str
    role: str  # a bot role, or "" for someone who is not in the team


# Every role: carol trades and asks for withdrawals, bob approves them, alice sees the audit log,
# dave may only look (and is refused when he tries to trade).
TEAM = (
    DemoMember(1001, "alice", "admin"),
    DemoMember(1002, "bob", "approver"),
    DemoMember(1003, "carol", "trader"),
    DemoMember(1005, "dave", "viewer"),
)
# Step-up codes in the demo: approvals above STEP_UP_ABOVE (in the portfolio quote) need a TOTP code.
# bob is enrolled at start with this test secret, printed in the banner so a person can make a code.
DEMO_ENCRYPTION_KEY = "demo-only-encryption-key-never-use-it-for-real-funds"
STEP_UP_ABOVE = "100"
BOB_TOTP_SECRET = "DEMOBOBTESTSECRETDEMOBOBTESTSECR"
STEP_UP_MEMBER = 1002

# Not in [[team]]: shows what a stranger gets (one short "not authorized").
OUTSIDER = DemoMember(1004, "mallory", "")


def chat_users() -> list[ChatUser]:
    """Who the chat page lets a person be: the team, then the outsider."""
    return [
        ChatUser(id=m.telegram_id, name=m.name, role=m.role or "not in the team") for m in (*TEAM, OUTSIDER)
    ]


def account_entry(exchange: RunningExchange) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": f"{exchange.name}-main",
        "exchange": exchange.name,
        "base_url": exchange.base_url,
        "api_key": exchange.account.api_key,
    }
    if exchange.name == "exchanger":
        entry["api_login"] = exchange.account.api_login
    elif exchange.name != "iqfinex":  # Iqfinex authenticates with the key alone
        entry["api_secret"] = exchange.account.api_secret
    if exchange.name == "narkasa":
        entry["ws_url"] = exchange.ws_url
    return entry


def demo_config_data(
    *,
    api_url: str,
    redis_url: str,
    redis_prefix: str,
    web_port: int,
    exchanges: Sequence[RunningExchange],
    log_level: str = "INFO",
) -> dict[str, Any]:
    """The config as the TOML file would hold it (so it goes through the same validation)."""
    return {
        "telegram": {"token": DEMO_TOKEN, "api_url": api_url, "mode": "polling"},
        "redis": {"url": redis_url, "prefix": redis_prefix},
        # the exchanger simulator posts each bid's status changes here, as a site calls a public URL
        "web": {"host": "127.0.0.1", "port": web_port, "public_url": f"http://127.0.0.1:{web_port}"},
        "team": [{"telegram_id": m.telegram_id, "name": m.name, "role": m.role} for m in TEAM],
        "accounts": [account_entry(exchange) for exchange in exchanges],
        # Short so the two-step flows can be tried in a few minutes.
        "withdrawals": {
            "approvals_required": 1,
            "approval_timeout_s": 600,
            "code_required_above": STEP_UP_ABOVE,
        },
        "security": {"encryption_key": DEMO_ENCRYPTION_KEY},
        "alerts": {"poll_interval_s": 5},
        # pushes within seconds of a control route's deposit or fill (IncoreX: its default, for its
        # wallet limit of 10 requests a minute)
        "watchers": {
            "indodax_interval_s": 5,
            "narkasa_interval_s": 5,
            "exchanger_interval_s": 5,
        },
        "logging": {"level": log_level},
    }


def demo_config(**kwargs: Any) -> Config:
    return parse_config(demo_config_data(**kwargs))
