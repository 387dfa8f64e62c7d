"""The Indodax simulator app: public /api and /tradingview, /tapi, and control routes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from aiohttp import web
from aiohttp.typedefs import Handler

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.control import add_control_routes, json_response
from sandbox.exchanges.common.endpoints import form_field_endpoint
from sandbox.exchanges.common.seed import Seed
from services.exchanges.indodax.constants import EXCHANGE, TAPI_PATH, WRITE_METHODS

from .public import PublicApi
from .state import IndodaxState
from .tapi import Tapi

STATE: web.AppKey[IndodaxState] = web.AppKey("indodax_state", IndodaxState)


def create_app(
    seed: Seed | None = None,
    *,
    clock: Clock | None = None,
    callback_urls: Mapping[str, str] | None = None,
    daily_limits: Mapping[str, Decimal] | None = None,
    usernames: Mapping[str, str] | None = None,
) -> web.Application:
    """``seed`` defaults to ``Seed.default("indodax", quote="IDR")``; see IndodaxState for the rest."""
    state = IndodaxState(
        seed or Seed.default(EXCHANGE, quote="IDR"),
        clock=clock,
        callback_urls=callback_urls,
        daily_limits=daily_limits,
        usernames=usernames,
    )
    app = web.Application(
        middlewares=state.middlewares(
            form_field_endpoint,
            scope_of=lambda r: r.headers.get("Key") or r.remote,
            writes=WRITE_METHODS,
        )
    )
    add_control_routes(app, state)
    app[STATE] = state
    state.attach(app)
    app.router.add_routes(PublicApi(state).routes())
    app.router.add_post(TAPI_PATH, Tapi(state).handle)
    app.router.add_post("/_control/indodax/callback", _set_callback(state))
    app.router.add_get("/_control/indodax/callbacks", _callbacks_seen(state))
    return app


def _set_callback(state: IndodaxState) -> Handler:
    async def handle(request: web.Request) -> web.Response:
        data = await request.json()
        account, url = str(data.get("account", "")), str(data.get("url", ""))
        if account not in state.accounts:
            return json_response({"error": f"no account {account!r}"}, 404)
        if url:
            state.callback_urls[account] = url
        else:
            state.callback_urls.pop(account, None)
        return json_response({"callback_urls": state.callback_urls})

    return handle


def _callbacks_seen(state: IndodaxState) -> Handler:
    async def handle(request: web.Request) -> web.Response:
        return json_response({"callbacks": state.callbacks_seen})

    return handle
