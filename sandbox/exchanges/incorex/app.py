"""The IncoreX simulator app: ``/v1/{method}`` for every documented method, plus the core's control routes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.control import add_control_routes
from sandbox.exchanges.common.jsonutil import dumps
from sandbox.exchanges.common.seed import Seed, SeedAccount
from services.exchanges.incorex import constants as c
from services.exchanges.incorex.auth import KEY_HEADER
from services.exchanges.ratelimit import RateLimit

from . import public, trading, wallet
from .auth import authenticate
from .state import IncorexState
from .wire import Params, Refusal

PublicHandler = Callable[[IncorexState, Params], Any]
PrivateHandler = Callable[[IncorexState, SeedAccount, Params], Any]

PUBLIC: dict[str, PublicHandler] = {
    c.TRADES: public.trades,
    c.ORDER_BOOK: public.order_book,
    c.TICKER: public.ticker,
    c.PAIR_SETTINGS: public.pair_settings,
    c.CURRENCY: public.currency,
}
PRIVATE: dict[str, PrivateHandler] = {
    c.USER_INFO: trading.user_info,
    c.ORDER_CREATE: trading.order_create,
    c.ORDER_CANCEL: trading.order_cancel,
    c.USER_OPEN_ORDERS: trading.user_open_orders,
    c.USER_TRADES: trading.user_trades,
    c.USER_CANCELLED_ORDERS: trading.user_cancelled_orders,
    c.ORDER_TRADES: trading.order_trades,
    c.REQUIRED_AMOUNT: trading.required_amount,
    c.DEPOSIT_ADDRESS: wallet.deposit_address,
    c.WITHDRAW_CRYPT: wallet.withdraw_crypt,
    c.WITHDRAW_GET_TXID: wallet.withdraw_get_txid,
    c.WALLET_HISTORY: wallet.wallet_history,
}
WRITES = frozenset({c.ORDER_CREATE, c.ORDER_CANCEL, c.WITHDRAW_CRYPT})
STATE: web.AppKey[IncorexState] = web.AppKey("incorex_state", IncorexState)


def create_app(
    seed: Seed | None = None,
    *,
    clock: Clock | None = None,
    rate_limits: Sequence[RateLimit] = c.DOCUMENTED_RATE_LIMITS,
    withdrawal_delay: float | None = None,
    wallet_api: bool = True,
    withdrawals_blocked: bool = False,
) -> web.Application:
    """``rate_limits`` replaces the documented 180/min and 10/min (tests shorten the period);
    ``withdrawal_delay`` (s) until a withdrawal gets its txid, else the seed's; ``wallet_api`` False
    refuses wallet_history as not activated; ``withdrawals_blocked`` refuses withdraw_crypt as in the 48 h
    after API activation."""
    seed = seed or Seed.default(c.EXCHANGE)
    if withdrawal_delay is not None:
        seed = seed.replace(withdrawal_delay=withdrawal_delay)
    state = IncorexState(
        seed,
        clock=clock,
        limits=tuple(rate_limits),
        wallet_api=wallet_api,
        withdrawals_blocked=withdrawals_blocked,
    )
    app = web.Application(
        middlewares=state.middlewares(_endpoint, scope_of=lambda r: r.headers.get(KEY_HEADER), writes=WRITES)
    )
    app[STATE] = state
    add_control_routes(app, state)
    state.attach(app)
    handler = _handler(state)
    app.router.add_route("GET", c.API_PREFIX + "{method}", handler)
    app.router.add_route("POST", c.API_PREFIX + "{method}", handler)
    return app


def _endpoint(request: web.Request) -> str:
    return request.path.rsplit("/", 1)[-1]


def _handler(state: IncorexState) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await request.read() if request.method == "POST" else b""
        params = dict(request.query)
        params.update(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
        try:
            _count(state, method, request)
            answer = _dispatch(state, method, request, body, params)
        except Refusal as refusal:
            headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
            return _json(refusal.body(method), refusal.status, headers)
        return _json(answer)

    return handle


def _dispatch(state: IncorexState, method: str, request: web.Request, body: bytes, params: Params) -> Any:
    if method in PUBLIC:
        return PUBLIC[method](state, params)
    if method not in PRIVATE:
        raise Refusal(c.ErrorCode.NO_METHOD, status=404)
    if request.method != "POST":
        raise Refusal(c.ErrorCode.BAD_PARAMETER, status=405, name="HTTP method (POST only)")
    account = authenticate(state, request.headers, body, params)
    return PRIVATE[method](state, account, params)


def _count(state: IncorexState, method: str, request: web.Request) -> None:
    """180/min "from one IP address or from one user", and 10/min per IP for the wallet API."""
    buckets = c.buckets_for(method)
    wait = state.limiter.check(buckets, scope=f"ip:{request.remote}")
    key = request.headers.get(KEY_HEADER)
    if wait is None and key and method in PRIVATE:
        wait = state.limiter.check(buckets, scope=f"key:{key}")
    if wait is not None:
        limit = min(lim.limit for lim in state.limiter.limits if lim.key in buckets)
        raise Refusal(c.ErrorCode.RATE_LIMIT, status=429, retry_after=max(1, math.ceil(wait)), limit=limit)


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=dumps(value), status=status, content_type="application/json", headers=headers)
