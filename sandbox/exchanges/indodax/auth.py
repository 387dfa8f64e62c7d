"""The server side of TAPI auth: key, signature over the exact body bytes, nonce or timestamp window,
and the key's permissions for the method."""

from __future__ import annotations

import hmac

from aiohttp import web

from sandbox.exchanges.common.seed import SeedAccount
from services.exchanges.indodax.auth import sign
from services.exchanges.indodax.constants import (
    DEFAULT_RECV_WINDOW_MS,
    MAX_AHEAD_MS,
    MSG_BAD_SIGN,
    MSG_NO_KEY,
    MSG_NO_PERMISSION,
    MSG_NONCE,
    MSG_TIMESTAMP,
    PERMISSIONS,
)

from .state import IndodaxState
from .wire import Params, Refusal


async def authenticate(state: IndodaxState, request: web.Request, params: Params) -> SeedAccount:
    key = request.headers.get("Key", "")
    account = state.account_by_key(key)
    if account is None:
        raise Refusal(MSG_NO_KEY, "invalid_credentials")
    # totalParams: the query string (if any) followed by the body, exactly as received
    signed = request.query_string.encode() + await request.read()
    given = request.headers.get("Sign", "").lower()
    if not hmac.compare_digest(sign(account.api_secret, signed), given):
        raise Refusal(MSG_BAD_SIGN, "invalid_credentials")
    if params.get("timestamp"):
        check_window(state, params)
    else:
        nonce = params.get("nonce", "")
        if not nonce.isdigit():
            raise Refusal(
                MSG_NONCE.format(last=state.last_nonce.get(key, 0), given=nonce or 0), "invalid_nonce"
            )
        state.accept_nonce(key, int(nonce))
    return account


def check_window(state: IndodaxState, params: Params) -> None:
    """The document: reject if timestamp >= serverTime + 1000 or serverTime - timestamp > recvWindow."""
    text, window_text = params.get("timestamp", ""), params.get("recvWindow", "")
    if not text.isdigit() or (window_text and not window_text.isdigit()):
        raise Refusal(MSG_TIMESTAMP.format(server=state.clock.now_ms(), given=text), "invalid_timestamp")
    timestamp = int(text)
    recv_window = int(window_text) if window_text else DEFAULT_RECV_WINDOW_MS
    server = state.clock.now_ms()
    if timestamp >= server + MAX_AHEAD_MS or server - timestamp > recv_window:
        raise Refusal(MSG_TIMESTAMP.format(server=server, given=timestamp), "invalid_timestamp")


def require_permission(account: SeedAccount, method: str) -> None:
    for permission, methods in PERMISSIONS.items():
        if method in methods and permission not in account.permissions:
            raise Refusal(MSG_NO_PERMISSION)
