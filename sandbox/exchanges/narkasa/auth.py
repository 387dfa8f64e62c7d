"""The server side of Narkasa's signing: key header, query-string HMAC, timestamp window."""

from __future__ import annotations

import hmac

from aiohttp import web

from sandbox.exchanges.common import SeedAccount
from services.exchanges.narkasa.auth import hmac_sha256_hex
from services.exchanges.narkasa.constants import API_KEY_HEADER, DEFAULT_WINDOW_MS

from .state import NarkasaSim
from .wire import Refusal

PERMISSION_DENIED = "20011"


def authenticate(sim: NarkasaSim, request: web.Request, permission: str) -> SeedAccount:
    """The account whose key signed ``request``, or a Refusal with the document's code.

    The signature covers the query string exactly as sent, up to ``&signature=``; ``timestamp`` may be
    at most ``windowSize`` ms (default 10 000) away from the server's clock.
    """
    api_key = request.headers.get(API_KEY_HEADER, "")
    if not api_key:
        raise Refusal("20000")
    account = sim.core.account_by_key(api_key)
    if account is None:
        raise Refusal("20001")
    signed, found, signature = request.rel_url.raw_query_string.rpartition("signature=")
    signed = signed.removesuffix("&")
    if "timestamp" not in request.query:
        raise Refusal("20003")
    if not found or not hmac.compare_digest(signature, hmac_sha256_hex(account.api_secret, signed)):
        raise Refusal("20001")
    try:
        timestamp = int(request.query["timestamp"])
        window = int(request.query.get("windowSize", DEFAULT_WINDOW_MS))
    except ValueError:
        raise Refusal("20004") from None
    if abs(sim.core.clock.now_ms() - timestamp) > window:
        raise Refusal("20004")
    if permission not in account.permissions:
        raise Refusal(PERMISSION_DENIED)
    return account


def user_stream_account(sim: NarkasaSim, api_key: str, signature: str) -> SeedAccount | None:
    """USER_STREAMS: the signature is the HMAC of the API key under its secret."""
    account = sim.core.account_by_key(api_key)
    if account is None or not hmac.compare_digest(signature, hmac_sha256_hex(account.api_secret, api_key)):
        return None
    return account
