"""The Narkasa simulator app: REST under ``/v3/api/``, the websocket at ``/v3``, control routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from sandbox.exchanges.common import Seed, add_control_routes, json_response
from services.exchanges.narkasa import constants as c

from . import public, trading, wallet
from .auth import authenticate
from .state import NarkasaSim
from .wire import Params, Refusal, respond
from .ws import StreamHub

Public = Callable[[NarkasaSim, Params], dict[str, Any]]
Signed = Callable[..., dict[str, Any]]

HUB_KEY: web.AppKey[StreamHub] = web.AppKey("narkasa_hub", StreamHub)
SIM_KEY: web.AppKey[NarkasaSim] = web.AppKey("narkasa_sim", NarkasaSim)
WS_ENDPOINT = "ws"

WRITES = frozenset({*c.ORDER_PATHS.values(), *c.FAST_PATHS.values(), c.CANCEL_ORDER, c.CREATE_WITHDRAW})


def endpoint_of(request: web.Request) -> str:
    if request.path.startswith(c.API_PREFIX):
        return request.path.removeprefix(c.API_PREFIX)
    return WS_ENDPOINT if request.path == c.WS_PATH else request.path.lstrip("/")


def _too_many(wait: float) -> web.Response:
    return respond({"msg": "Too many requests"}, 429, {"Retry-After": str(max(1, round(wait)))})


def _public(sim: NarkasaSim, handler: Public) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.Response:
        wait = sim.core.limiter.check([c.PUBLIC_BUCKET], scope=request.remote or "")
        if wait is not None:
            return _too_many(wait)
        try:
            return respond(handler(sim, request.query))
        except Refusal as refusal:
            return refusal.response()

    return handle


def _signed(sim: NarkasaSim, handler: Signed, permission: str = "view", *args: str) -> Callable[..., Any]:
    async def handle(request: web.Request) -> web.Response:
        buckets = [c.PRIVATE_BUCKET]
        if endpoint_of(request) in WRITES and request.path.startswith(c.API_PREFIX + "market/"):
            buckets.append(c.ORDER_BUCKET)
        wait = sim.core.limiter.check(buckets, scope=request.headers.get(c.API_KEY_HEADER, ""))
        if wait is not None:
            return _too_many(wait)
        try:
            account = authenticate(sim, request, permission)
            return respond(handler(sim, request.query, account, *args))
        except Refusal as refusal:
            return refusal.response()

    return handle


def create_app(seed: Seed | None = None, **options: object) -> web.Application:
    if options:
        raise TypeError(f"unknown options: {', '.join(options)}")
    sim = NarkasaSim(seed)
    core = sim.core
    app = web.Application(middlewares=core.middlewares(endpoint_of, scope_of=_scope, writes=WRITES))
    add_control_routes(app, core)
    core.attach(app)
    hub = StreamHub(sim)
    app[HUB_KEY] = hub
    app[SIM_KEY] = sim

    def api(path: str) -> str:
        return c.API_PREFIX + path

    for path, handler in {
        c.PING: public.ping,
        c.TIME: public.time_now,
        c.MARKETS: public.markets,
        c.TICKER_24H: public.ticker_24h,
        c.INFO: public.info,
        c.CANDLES: public.candles,
        c.ORDERBOOK: public.orderbook,
        c.DEPTH: public.depth,
        c.TRADES: public.trades,
    }.items():
        app.router.add_get(api(path), _public(sim, handler))
    for (kind, side), path in c.ORDER_PATHS.items():
        app.router.add_post(api(path), _signed(sim, trading.place, "trade", side.value, kind.value))
    for side, path in c.FAST_PATHS.items():
        app.router.add_post(api(path), _signed(sim, trading.place, "trade", side.value, "fast"))
    app.router.add_get(api(c.USER_ORDERS), _signed(sim, trading.user_orders))
    app.router.add_post(api(c.CANCEL_ORDER), _signed(sim, trading.cancel, "trade"))
    app.router.add_get(api(c.USER_TRADES), _signed(sim, trading.user_trades))
    app.router.add_get(api(c.WALLET), _signed(sim, wallet.wallet))
    app.router.add_post(api(c.WALLET), _signed(sim, lambda *_: {"code": c.SUCCESS}))
    app.router.add_get(api(c.CURRENCIES), _signed(sim, wallet.currencies))
    app.router.add_post(api(c.WITHDRAW_INFO), _signed(sim, wallet.withdraw_info))
    app.router.add_post(api(c.CREATE_WITHDRAW), _signed(sim, wallet.create_withdraw, "withdraw"))
    app.router.add_get(api(c.WITHDRAW_HISTORY), _signed(sim, wallet.withdraw_history))
    app.router.add_post(api(c.DEPOSIT_INFO), _signed(sim, wallet.deposit_info))
    app.router.add_get(api(c.DEPOSIT_HISTORY), _signed(sim, wallet.deposit_history))
    app.router.add_get(c.WS_PATH, hub.handle)

    async def drop(request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        dropped = await hub.drop(float(body.get("refuse_for", 0)))
        return json_response({"dropped": dropped})

    async def streams(request: web.Request) -> web.Response:
        return json_response(hub.describe())

    app.router.add_post("/_control/ws/drop", drop)
    app.router.add_get("/_control/ws", streams)
    app.on_shutdown.append(lambda _: hub.drop())
    return app


def _scope(request: web.Request) -> str | None:
    return request.headers.get(c.API_KEY_HEADER) or request.remote
