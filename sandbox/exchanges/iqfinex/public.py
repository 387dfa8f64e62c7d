"""Public routes: currencies, assets, tickers, order book, trades, candles."""

from __future__ import annotations

from aiohttp import web

from sandbox.exchanges.common.matching import MatchingBook
from sandbox.exchanges.common.seed import SeedMarket
from services.exchanges.iqfinex import constants as c

from . import views
from .state import IqfinexState
from .wire import Refusal, ok, page

STATE: web.AppKey[IqfinexState] = web.AppKey("iqfinex_state", IqfinexState)


def listed(request: web.Request, name: str = "asset") -> tuple[str, SeedMarket, MatchingBook]:
    """The asset named in the path (UnknownMarket -> 400 "Asset not found" in the app's middleware)."""
    state = request.app[STATE]
    asset = request.match_info[name].upper()
    market = state.market(asset)
    return asset, market, state.book(market.symbol)


async def currencies(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return ok([state.currency(code) for code in state.currencies()])


async def currency(request: web.Request) -> web.Response:
    state = request.app[STATE]
    code = request.match_info["name"].upper()
    if code not in state.currencies():
        raise Refusal(400, "Currency not found")
    return ok(state.currency(code))


async def assets(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return ok([views.asset_row(a, m, a not in state.halted_assets) for a, m in state.markets.items()])


async def asset(request: web.Request) -> web.Response:
    name, market, _ = listed(request, "name")
    return ok(views.asset_row(name, market, name not in request.app[STATE].halted_assets))


async def tickers(request: web.Request) -> web.Response:
    state = request.app[STATE]
    now = state.clock.now()
    return ok({a: views.ticker(state.book(m.symbol), now) for a, m in state.markets.items()})


async def ticker(request: web.Request) -> web.Response:
    _, _, book = listed(request)
    return ok(views.ticker(book, request.app[STATE].clock.now()))


async def orderbook(request: web.Request) -> web.Response:
    _, market, book = listed(request)
    rounding = request.match_info["rounding"]
    if not rounding.isdigit() or int(rounding) not in c.ROUNDING_LEVELS:
        raise Refusal(400, "Wrong rounding. Accepted values: 0, 1, 2, 3")
    return ok(views.order_book(book, market.price_precision, int(rounding)))


async def trades(request: web.Request) -> web.Response:
    name, _, book = listed(request)
    rows = [views.public_trade(fill, name) for fill in book.recent_trades(len(book.trades))]
    return ok(page(rows, request.query, c.PUBLIC_TRADES_DEFAULT, c.PUBLIC_TRADES_MAX))


async def candles(request: web.Request) -> web.Response:
    _, _, book = listed(request)
    frame = request.match_info["frame"]
    if not frame.isdigit() or int(frame) not in c.FRAMES:
        raise Refusal(400, "Wrong frame")
    rows = views.candle_rows(book, int(frame), request.app[STATE].clock.now())
    return ok(page(rows, request.query, c.CANDLES_DEFAULT, c.CANDLES_MAX))


ROUTES = [
    ("GET", c.CURRENCIES, currencies, "currencies"),
    ("GET", c.CURRENCY, currency, "currency"),
    ("GET", c.ASSETS, assets, "assets"),
    ("GET", c.ASSET, asset, "asset"),
    ("GET", c.TICKERS, tickers, "tickers"),
    ("GET", c.TICKER, ticker, "ticker"),
    ("GET", c.ORDERBOOK, orderbook, "orderbook"),
    ("GET", c.PUBLIC_TRADES, trades, "trades"),
    ("GET", c.CANDLES, candles, "candles"),
]
