"""The Iqfinex simulator app: routes, key checks, the declared rate limit, faults and control routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.control import add_control_routes
from sandbox.exchanges.common.endpoints import endpoint_name, is_control, path_endpoint
from sandbox.exchanges.common.ledger import InsufficientBalance
from sandbox.exchanges.common.orders import InvalidSimOrder, OrderNotFound
from sandbox.exchanges.common.seed import Seed
from sandbox.exchanges.common.state import UnknownMarket
from services.exchanges.iqfinex.constants import AUTH_HEADER, EXCHANGE_LIMITS, REST_BUCKET
from services.exchanges.ratelimit import RateLimit

from . import private, public
from .public import STATE
from .state import IqfinexState
from .wire import Refusal

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def endpoint_of(request: web.Request) -> str:
    """The client's endpoint names ("order_create", "balance", ...), so tests and faults speak its words."""
    name = request.match_info.route.name
    return name or path_endpoint(request)


def scope_of(state: IqfinexState) -> Callable[[web.Request], str | None]:
    def scope(request: web.Request) -> str | None:
        account = state.account_by_key(request.headers.get(AUTH_HEADER, ""))
        if account is not None:
            return account.name
        return f"ip:{request.remote}"

    return scope


def rate_limit_middleware(state: IqfinexState) -> Any:
    scope = scope_of(state)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not is_control(request):
            await endpoint_name(request, endpoint_of)
            wait = state.limiter.check([REST_BUCKET], scope(request) or "")
            if wait is not None:
                return Refusal(429, "Too many requests", retry_after=wait).response()
        return await handler(request)

    return middleware


@web.middleware
async def refusals(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal in the document's error shape, with the status of its table."""
    try:
        return await handler(request)
    except Refusal as refusal:
        return refusal.response()
    except UnknownMarket:
        return Refusal(400, "Asset not found").response()
    except OrderNotFound:
        return Refusal(400, "Order not found").response()
    except InsufficientBalance:
        return Refusal(400, "Insufficient funds").response()
    except InvalidSimOrder as exc:
        return Refusal(400, str(exc)).response()


def create_app(
    seed: Seed | None = None,
    *,
    clock: Clock | None = None,
    rate_limits: Iterable[RateLimit] = EXCHANGE_LIMITS,
    expired_keys: Iterable[str] = (),
    halted_assets: Iterable[str] = (),
) -> web.Application:
    """``expired_keys`` answer 403 (token expired); ``halted_assets`` (ids like "BTCUSDT") have isTrade
    false. Accounts' permissions come from the seed: "trade" -> isTrade, "withdraw" -> isWithdrawal."""
    state = IqfinexState(
        seed, clock=clock, rate_limits=rate_limits, expired_keys=expired_keys, halted_assets=halted_assets
    )
    middlewares = [
        *state.middlewares(endpoint_of, scope_of=scope_of(state), writes=private.WRITES),
        rate_limit_middleware(state),
        refusals,
    ]
    app = web.Application(middlewares=middlewares)
    app[STATE] = state
    for method, path, handler, name in (*public.ROUTES, *private.ROUTES):
        app.router.add_route(method, path, handler, name=name)
    add_control_routes(app, state)
    state.attach(app)
    return app
