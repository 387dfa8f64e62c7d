"""The simulated exchanger site: ``POST /api/userapi/v1/{method}`` with API-LOGIN / API-KEY headers."""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from sandbox.exchanges.common import Seed, add_control_routes
from services.exchanges.exchanger import constants as c

from .control import add_exchanger_routes
from .handlers import HANDLERS, PERMISSION, Call
from .state import ExchangerSite
from .wire import SiteError, failure, ok

DEFAULT_LOCALE = "en_US"
SITE_KEY: web.AppKey[ExchangerSite] = web.AppKey("exchanger_site", ExchangerSite)


def _method(request: web.Request) -> str:
    return request.path.rsplit("/", 1)[-1]


def create_app(seed: Seed | None = None, **options: Any) -> web.Application:
    """Options: clock, reserves ({code: Decimal}), merchant_directions (ids whose pay is a merchant
    link), refused_directions (ids listed but "Direction not found" to the API), pay_delay (merchant
    bids new -> payed after s), payout_delay (payed -> success after s, default 5, None = never by
    itself), expire_after (unpaid new -> delete after s), partner_balance, rate_limits (ServerLimits
    on bucket "api" per login, answered with 429; none by default)."""
    site = ExchangerSite(seed, **options)
    app = web.Application(
        middlewares=site.core.middlewares(
            _method, scope_of=lambda r: r.headers.get(c.HEADER_LOGIN), writes=c.WRITE_METHODS
        )
    )
    add_control_routes(app, site.core)
    add_exchanger_routes(app, site)
    app[SITE_KEY] = site
    site.attach(app)

    async def api(request: web.Request) -> web.Response:
        login = request.headers.get(c.HEADER_LOGIN, "")
        locale = request.headers.get(c.HEADER_LANG) or DEFAULT_LOCALE
        if (wait := site.core.limiter.check([c.BUCKET], scope=login)) is not None:
            return web.Response(
                status=429, text="Too Many Requests", headers={"Retry-After": str(math.ceil(wait))}
            )
        account = site.core.account_by_login(login, request.headers.get(c.HEADER_KEY, ""))
        if account is None:
            return failure(SiteError(c.API_DISABLED), locale)
        method = request.match_info["method"]
        handler = HANDLERS.get(method)
        if handler is None or PERMISSION[method] not in account.permissions:
            return failure(SiteError(c.METHOD_NOT_SUPPORTED), locale)
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        site.bids.advance_due()
        call = Call(site, account.name, form, str(request.url.origin()), request.remote or "", locale)
        try:
            return ok(handler(call))
        except SiteError as error:
            return failure(error, locale)

    app.router.add_post(c.API_PATH + "{method}", api)
    return app


__all__ = ["SITE_KEY", "create_app"]
