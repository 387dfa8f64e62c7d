"""Authorized routes: the raw key in Authorization; trading needs a key with isTrade."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.exchanges.common.orders import OrderType, SimOrder
from sandbox.exchanges.common.seed import SeedAccount
from services.exchanges.iqfinex import constants as c

from . import views
from .public import STATE
from .wire import Refusal, body, decimals, number, ok, page


def key_owner(request: web.Request) -> SeedAccount:
    state = request.app[STATE]
    key = request.headers.get(c.AUTH_HEADER, "")
    account = state.account_by_key(key) if key else None
    if account is None:
        raise Refusal(401)
    if key in state.expired_keys:
        raise Refusal(403)
    return account


def trader(request: web.Request) -> SeedAccount:
    account = key_owner(request)
    if not request.app[STATE].can_trade(account):
        raise Refusal(402)
    return account


def order_row(request: web.Request, order: SimOrder) -> dict[str, Any]:
    return views.order_row(order, request.app[STATE].asset_of(order.symbol))


async def account_info(request: web.Request) -> web.Response:
    state = request.app[STATE]
    account = key_owner(request)
    return ok(
        {
            "id": state.user_id(account.name),
            "email": f"{account.name}@sandbox.invalid",
            "role": 1,
            "keylabel": account.name,
            "isTrade": state.can_trade(account),
            "isWithdrawal": state.can_withdraw(account),
            "whitelist": "",
        }
    )


async def balance(request: web.Request) -> web.Response:
    state = request.app[STATE]
    name = key_owner(request).name
    codes = sorted(set(state.currencies()) | set(state.balances(name)))
    holdings = {code: state.ledger.holding(name, code) for code in codes}
    return ok({code: {"balance": h.total, "free_balance": h.free} for code, h in holdings.items()})


async def create_order(request: web.Request) -> web.Response:
    state = request.app[STATE]
    account = trader(request)
    data = await body(request)
    asset = str(data.get("asset", "")).upper()
    market = state.market(asset)
    if asset in state.halted_assets:
        raise Refusal(400, "Trading is disabled for this asset")
    side = str(data.get("cmd", "")).lower()
    if side not in c.SIDES:
        raise Refusal(400, "Wrong cmd. Accepted values: buy, sell")
    volume, price, stop_price = number(data, "volume"), number(data, "price"), number(data, "stopPrice")
    if volume is None:
        raise Refusal(400, "Wrong volume")
    if volume < market.min_amount:
        raise Refusal(400, f"Volume is less than minimal volume {market.min_amount}")
    if decimals(volume) > market.amount_precision:
        raise Refusal(400, "Wrong volume accuracy")
    if price is not None and decimals(price) > market.price_precision:
        raise Refusal(400, f"Wrong price accuracy: {market.price_precision} digits")
    if stop_price is not None and price is None:
        raise Refusal(400, "Stop-limit order needs a price")
    kind: OrderType = "market" if price is None else "stop_limit" if stop_price is not None else "limit"
    order = state.place_order(
        account.name,
        market.symbol,
        "buy" if side == "buy" else "sell",
        kind,
        volume,
        price,
        stop_price=stop_price,
    )
    return ok(order_row(request, order))


async def cancel_order(request: web.Request) -> web.Response:
    state = request.app[STATE]
    account = trader(request)
    order = state.own_order(account.name, request.match_info["id"])
    if not order.is_open:
        raise Refusal(400, "Order is not active")
    return ok(order_row(request, state.cancel_order(order.id)))


async def opened_orders(request: web.Request) -> web.Response:
    state = request.app[STATE]
    rows = [order_row(request, o) for o in state.orders_of(key_owner(request).name, open_only=True)]
    return ok({"count": len(rows), "rows": rows})


async def closed_orders(request: web.Request) -> web.Response:
    state = request.app[STATE]
    rows = [order_row(request, o) for o in state.history(key_owner(request).name)]
    return ok(page(rows, request.query, c.HISTORY_DEFAULT, c.HISTORY_MAX))


async def order_status(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return ok(order_row(request, state.kept_order(key_owner(request).name, request.match_info["id"])))


async def order_trades(request: web.Request) -> web.Response:
    state = request.app[STATE]
    order = state.kept_order(key_owner(request).name, request.match_info["id"])
    asset = state.asset_of(order.symbol)
    rows = [views.my_trade(state, fill, order.id, asset) for fill in reversed(order.fills)]
    return ok(page(rows, request.query, c.HISTORY_DEFAULT, c.HISTORY_MAX))


async def my_trades(request: web.Request) -> web.Response:
    state = request.app[STATE]
    fills = state.fills_of(key_owner(request).name)
    rows = [views.my_trade(state, fill, order_id, state.asset_of(fill.symbol)) for fill, order_id in fills]
    return ok(page(rows, request.query, c.HISTORY_DEFAULT, c.HISTORY_MAX))


ROUTES = [
    ("GET", c.ACCOUNT_INFO, account_info, "account_info"),
    ("GET", c.BALANCE, balance, "balance"),
    ("POST", c.ORDER_CREATE, create_order, "order_create"),
    ("POST", c.ORDER_CANCEL, cancel_order, "order_cancel"),
    ("GET", c.ORDERS_OPENED, opened_orders, "orders_opened"),
    ("GET", c.ORDERS_CLOSED, closed_orders, "orders_closed"),
    ("GET", c.ORDER, order_status, "order"),
    ("GET", c.ORDER_TRADES, order_trades, "order_trades"),
    ("GET", c.MY_TRADES, my_trades, "my_trades"),
]
WRITES = frozenset({"order_create", "order_cancel"})
