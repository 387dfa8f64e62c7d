"""Authenticated account and trading methods."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.exchanges.common.ledger import InsufficientBalance
from sandbox.exchanges.common.orders import Fill, InvalidSimOrder, OrderNotFound, Side, SimOrder
from sandbox.exchanges.common.orders import OrderType as SimOrderType
from sandbox.exchanges.common.seed import SeedAccount
from services.exchanges.incorex.constants import (
    HISTORY_DEFAULT_LIMIT,
    HISTORY_MAX_LIMIT,
    ORDER_CANCEL,
    ORDER_CREATE,
    WIRE_BY_SIDE,
    ErrorCode,
)
from services.exchanges.models import OrderSide

from .auth import require
from .state import IncorexState, PairLimits
from .wire import Params, Refusal, decimal_param, int_param, num, ok, pair_list, required

ZERO = Decimal(0)
SIM_TYPE: dict[str, SimOrderType] = {"limit": "limit", "market": "market", "stoplimit": "stop_limit"}
WIRE_TYPE = {sim: wire for wire, sim in SIM_TYPE.items()}


def user_info(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    holdings = state.balances(account.name)
    return {
        "uid": state.seed.accounts.index(account) + 10_000,
        "server_time": int(state.clock.now()),
        "balances": {asset: num(h.free) for asset, h in holdings.items()},
        "reserved": {asset: num(h.reserved) for asset, h in holdings.items()},
    }


def order_create(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    require(account, "trade")
    pid = required(params, "pair").upper()
    market = state.market(pid)
    position = required(params, "position").lower()
    kind = SIM_TYPE.get(required(params, "type").lower())
    if position not in ("buy", "sell"):
        raise Refusal(ErrorCode.BAD_PARAMETER, name="position")
    side: Side = "buy" if position == "buy" else "sell"
    if kind is None:
        raise Refusal(ErrorCode.BAD_PARAMETER, name="type")
    quantity = decimal_param(params, "quantity")
    price: Decimal | None = None
    stop: Decimal | None = None
    if kind == "stop_limit":
        stop, price = decimal_param(params, "price"), decimal_param(params, "limitprice")
    elif kind == "limit":
        price = decimal_param(params, "price")
    else:  # market: the document's example sends a price too; the book decides what it gets
        decimal_param(params, "price")
    book = state.book(market.symbol)
    estimate = price or (book.best_ask if side == "buy" else book.best_bid) or book.reference_price()
    _check_limits(state.pair_limits[pid], quantity, [p for p in (price, stop) if p is not None], estimate)
    order = SimOrder(account.name, market.symbol, side, kind, amount=quantity, price=price, stop_price=stop)
    try:
        book.place(order)
    except InsufficientBalance:
        raise Refusal(ErrorCode.INSUFFICIENT_FUNDS) from None
    except InvalidSimOrder:
        raise Refusal(ErrorCode.BAD_PARAMETER, name="order") from None
    return ok(ORDER_CREATE, order_id=int(order.id))


def _check_limits(
    limits: PairLimits, quantity: Decimal, prices: list[Decimal], estimate: Decimal | None
) -> None:
    if quantity < limits.min_quantity:
        raise Refusal(ErrorCode.QUANTITY_TOO_SMALL, minimum=num(limits.min_quantity))
    if quantity > limits.max_quantity:
        raise Refusal(ErrorCode.QUANTITY_TOO_LARGE, maximum=num(limits.max_quantity))
    if any(not limits.min_price <= p <= limits.max_price for p in prices):
        raise Refusal(ErrorCode.PRICE_OUT_OF_RANGE)
    if estimate is None:
        return
    amount = quantity * estimate
    if amount < limits.min_amount:
        raise Refusal(ErrorCode.AMOUNT_TOO_SMALL, minimum=num(limits.min_amount))
    if amount > limits.max_amount:
        raise Refusal(ErrorCode.AMOUNT_TOO_LARGE, maximum=num(limits.max_amount))


def _own_order(state: IncorexState, account: SeedAccount, params: Params) -> SimOrder:
    order_id = required(params, "order_id")
    try:
        order = state.order(order_id)
    except OrderNotFound:
        raise Refusal(ErrorCode.ORDER_NOT_FOUND) from None
    if order.account_id != account.name:
        raise Refusal(ErrorCode.ORDER_NOT_FOUND)
    return order


def order_cancel(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    require(account, "trade")
    order = _own_order(state, account, params)
    if not order.is_open:
        raise Refusal(ErrorCode.ORDER_NOT_FOUND)
    state.cancel_order(order.id)
    return ok(ORDER_CANCEL)


def _order_row(state: IncorexState, order: SimOrder, date: float) -> dict[str, Any]:
    price = order.stop_price if order.type == "stop_limit" else order.price
    price = price if price is not None else order.average_price or ZERO
    return {
        "date": int(date),
        "order_id": int(order.id),
        "pair": state.pair_of(order.symbol),
        "position": WIRE_BY_SIDE[OrderSide(order.side)],
        "type": WIRE_TYPE[order.type],
        "quantity": num(order.amount),
        "price": num(price),
        "amount": num(order.amount * price),
    }


def user_open_orders(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    answer: dict[str, list[dict[str, Any]]] = {}
    for order in state.orders_of(account.name, open_only=True):
        answer.setdefault(state.pair_of(order.symbol), []).append(_order_row(state, order, order.created_at))
    return answer


def user_cancelled_orders(state: IncorexState, account: SeedAccount, params: Params) -> list[dict[str, Any]]:
    offset = int_param(params, "offset", 0)
    limit = int_param(params, "limit", HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT)
    cancelled = [o for o in state.orders_of(account.name, open_only=False) if o.status == "cancelled"]
    cancelled.sort(key=lambda o: (o.updated_at, int(o.id)), reverse=True)
    return [_order_row(state, o, o.updated_at) for o in cancelled[offset : offset + limit]]


def _trade_row(state: IncorexState, account: SeedAccount, fill: Fill) -> dict[str, Any]:
    order_id = fill.taker_order_id if fill.taker_account_id == account.name else fill.maker_order_id
    return {
        "trade_id": int(fill.id),
        "date": int(fill.time),
        "type": WIRE_BY_SIDE[OrderSide(fill.side_of(order_id))],
        "pair": state.pair_of(fill.symbol),
        "order_id": int(order_id),
        "quantity": num(fill.amount),
        "price": num(fill.price),
        "amount": num(fill.cost),
    }


def user_trades(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    offset = int_param(params, "offset", 0)
    limit = int_param(params, "limit", HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT)
    answer = {}
    for pid in pair_list(params):
        fills = state.trades_of(account.name, state.market(pid).symbol)[::-1]
        answer[pid] = [_trade_row(state, account, f) for f in fills[offset : offset + limit]]
    return answer


def order_trades(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    order = _own_order(state, account, params)
    market = state.market(state.pair_of(order.symbol))
    given, received = (market.quote, market.base) if order.side == "buy" else (market.base, market.quote)
    given_amount, received_amount = (
        (order.cost, order.filled) if order.side == "buy" else (order.filled, order.cost)
    )
    return {
        "position": WIRE_BY_SIDE[OrderSide(order.side)],
        "type": WIRE_TYPE[order.type],
        "in_currency": given,
        "in_amount": num(given_amount),
        "out_currency": received,
        "out_amount": num(received_amount - order.fee),
        "percent_succesfull": num(order.filled / order.amount * 100 if order.amount else ZERO),
        "trades": [_trade_row(state, account, f) for f in order.fills],
    }


def required_amount(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    book = state.pair_book(required(params, "pair"))
    quantity = decimal_param(params, "quantity")
    left, amount = quantity, ZERO
    for price, available in book.depth().asks:
        take = min(left, available)
        amount += take * price
        left -= take
        if left <= 0:
            break
    if left > 0:
        raise Refusal(ErrorCode.NO_LIQUIDITY)
    return {
        "quantity": num(quantity),
        "amount": num(amount),
        "avg_price": num((amount / quantity).quantize(Decimal("1e-8"))),
    }
