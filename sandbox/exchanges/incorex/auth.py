"""The server side of IncoreX signing: Key names the account, Sign must be HMAC-SHA512 of the exact body
bytes under its secret, and the body's nonce must exceed the last one seen for the key."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from sandbox.exchanges.common.seed import SeedAccount
from services.exchanges.incorex.auth import KEY_HEADER, NONCE_PARAM, SIGN_HEADER, sign
from services.exchanges.incorex.constants import ErrorCode

from .state import IncorexState
from .wire import Params, Refusal


def authenticate(state: IncorexState, headers: Mapping[str, str], body: bytes, params: Params) -> SeedAccount:
    account = state.account_by_key(headers.get(KEY_HEADER, ""))
    if account is None:
        raise Refusal(ErrorCode.WRONG_KEY)
    if not hmac.compare_digest(headers.get(SIGN_HEADER, "").lower(), sign(account.api_secret, body)):
        raise Refusal(ErrorCode.WRONG_SIGN)
    nonce = params.get(NONCE_PARAM, "")
    last = state.last_nonce.get(account.api_key, 0)
    if not nonce.isdigit() or int(nonce) <= 0:
        raise Refusal(ErrorCode.WRONG_NONCE, last=last)
    state.accept_nonce(account.api_key, int(nonce))
    return account


def require(account: SeedAccount, permission: str) -> None:
    if permission not in account.permissions:
        raise Refusal(ErrorCode.ACCESS_DENIED)
