"""Signed market endpoints: orders, cancel, the user's open orders and trades."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.exchanges.common import InsufficientBalance, OrderNotFound, OrderNotOpen, SeedAccount, SimOrder
from sandbox.exchanges.common.orders import OrderType, Side

from .state import NarkasaSim
from .wire import Params, Refusal, listed_order, ok, placed_order, positive, required

BUY_FLOOR = Decimal("0.4")  # 10062: a buy below 40 % of the last price
SELL_CEILING = Decimal("2.5")  # 10061: a sell above 250 % of the last price


def place(
    sim: NarkasaSim, params: Params, account: SeedAccount, side: Side, kind: OrderType | str
) -> dict[str, Any]:
    market = sim.market(required(params, "symbol"))
    market_id = market.id or market.base + market.quote
    book = sim.core.book(market.symbol)
    fast = kind == "fast"
    order_type: OrderType = "market" if fast else kind  # type: ignore[assignment]
    price = positive(params, "price", "20007") if order_type != "market" else None
    stop = positive(params, "target", "20008") if order_type == "stop_limit" else None
    quote_amount = positive(params, "total", "20012") if fast and side == "buy" else None
    amount = positive(params, "amount", "20009") if quote_amount is None else Decimal(0)
    reference = price or book.reference_price() or market.mid
    if quote_amount is None and amount < market.min_amount:
        raise Refusal("10040")
    if (quote_amount if quote_amount is not None else amount * reference) < market.min_cost:
        raise Refusal("10039")
    last = book.reference_price()
    if price is not None and last is not None:
        if side == "buy" and price < last * BUY_FLOOR:
            raise Refusal("10062")
        if side == "sell" and price > last * SELL_CEILING:
            raise Refusal("10061")
    if order_type == "market" and (book.best_ask if side == "buy" else book.best_bid) is None:
        raise Refusal("10060" if fast else "10042")
    order = SimOrder(
        account.name,
        market.symbol,
        side,
        order_type,
        amount=amount,
        price=price,
        stop_price=stop,
        quote_amount=quote_amount,
        id=sim.core.ids.next_str("order"),
    )
    if fast:
        sim.fast_orders.add(order.id)
    try:
        book.place(order)
    except InsufficientBalance:
        sim.fast_orders.discard(order.id)
        raise Refusal("10031") from None
    return ok(order=placed_order(order, market_id, fast))


def user_orders(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    rows = [
        listed_order(o, sim.market_id(o.symbol), o.id in sim.fast_orders)
        for o in sim.core.orders_of(account.name, open_only=True)
    ]
    return ok(orders=rows)


def cancel(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    order_id = required(params, "orderId")
    order = sim.core.orders.get(order_id)
    if order is None or order.account_id != account.name:
        raise Refusal("10075")
    try:
        sim.core.cancel_order(order_id)
    except (OrderNotFound, OrderNotOpen):
        raise Refusal("10075") from None
    return ok()


def user_trades(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    rows = []
    for fill in sim.core.trades_of(account.name)[-100:]:
        mine = fill.maker_order_id if fill.maker_account_id == account.name else fill.taker_order_id
        order = sim.core.orders[mine]
        side = fill.side_of(mine)
        market = sim.markets[sim.market_id(fill.symbol)]
        rows.append(
            {
                "symbol": sim.market_id(fill.symbol),
                "price": fill.price,
                "amount": fill.amount,
                "side": 0 if side == "buy" else 1,
                "orderType": 3 if mine in sim.fast_orders else {"limit": 0, "market": 1}.get(order.type, 2),
                "commission": fill.fee_of(mine),
                "commissionSymbol": market.base if side == "buy" else market.quote,
                "time": int(fill.time * 1000),
            }
        )
    return ok(trades=rows[::-1])
