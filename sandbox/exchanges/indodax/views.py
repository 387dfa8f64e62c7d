"""Orders, fills and transfers in the TAPI's shapes. Sells are sized in the base asset (``order_btc``),
buys in the quote (``order_idr``; ``order_rp`` in getOrder)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.exchanges.common.orders import Fill, SimOrder
from sandbox.exchanges.common.seed import SeedMarket
from sandbox.exchanges.common.transfers import SimTransfer

from .wire import coin, price_text

ORDER_TYPES = {"limit": "limit", "market": "market", "stop_limit": "stoplimit"}
ORDER_STATUS = {"open": "open", "pending_stop": "open", "filled": "filled", "cancelled": "cancelled"}
TRANSFER_STATUS = {"pending": "pending", "done": "success", "cancelled": "cancelled", "failed": "failed"}


def quote_sizes(order: SimOrder) -> tuple[Decimal, Decimal]:
    """(ordered, remaining) in the quote asset for a buy."""
    if order.quote_amount is not None:
        return order.quote_amount, order.quote_amount - order.cost
    price = order.price or Decimal(0)
    return price * order.amount, price * order.remaining


def sizes(order: SimOrder, market: SeedMarket, quote_key: str) -> dict[str, str]:
    if order.side == "sell":
        base = market.base.lower()
        return {f"order_{base}": coin(order.amount), f"remain_{base}": coin(order.remaining)}
    ordered, remaining = quote_sizes(order)
    return {f"order_{quote_key}": coin(ordered), f"remain_{quote_key}": coin(remaining)}


def listed_order(order: SimOrder, market: SeedMarket, *, with_status: bool) -> dict[str, Any]:
    """openOrders / orderHistory entries."""
    view: dict[str, Any] = {
        "order_id": order.id,
        "client_order_id": order.client_order_id or "",
        "submit_time": str(int(order.created_at)),
        "price": price_text(order.price),
        "type": order.side,
        "order_type": ORDER_TYPES[order.type],
        **sizes(order, market, market.quote.lower()),
    }
    if with_status:
        view["finish_time"] = "" if order.is_open else str(int(order.updated_at))
        view["status"] = ORDER_STATUS[order.status]
    return view


def one_order(order: SimOrder, market: SeedMarket) -> dict[str, Any]:
    """getOrder / getOrderByClientOrderId."""
    received = (
        {f"receive_{market.base.lower()}": coin(order.filled - order.fee)}
        if order.side == "buy"
        else {f"receive_{market.quote.lower()}": coin(order.cost - order.fee)}
    )
    return {
        "order_id": order.id,
        "client_order_id": order.client_order_id or "",
        "price": price_text(order.price),
        "type": order.side,
        "order_type": ORDER_TYPES[order.type],
        **sizes(order, market, "rp"),
        "submit_time": str(int(order.created_at)),
        "finish_time": "" if order.is_open else str(int(order.updated_at)),
        "status": ORDER_STATUS[order.status],
        **received,
    }


def placed(order: SimOrder, market: SeedMarket) -> dict[str, Any]:
    """The trade method's answer."""
    base = market.base.lower()
    common = {
        "fee": coin(order.fee),
        "order_id": int(order.id),
        "client_order_id": order.client_order_id or "",
    }
    if order.side == "buy":
        _, remaining = quote_sizes(order)
        return {
            f"receive_{base}": coin(order.filled - order.fee),
            "spend_rp": coin(order.cost),
            "remain_rp": coin(remaining),
            **common,
        }
    return {
        "receive_rp": coin(order.cost - order.fee),
        f"sold_{base}": coin(order.filled),
        f"remain_{base}": coin(order.remaining if order.is_open else Decimal(0)),  # the rest is cancelled
        **common,
    }


def my_trade(fill: Fill, order: SimOrder, market: SeedMarket) -> dict[str, Any]:
    return {
        "trade_id": fill.id,
        "order_id": order.id,
        "type": fill.side_of(order.id),
        market.base.lower(): coin(fill.amount),
        "price": price_text(fill.price),
        "fee": coin(fill.fee_of(order.id)),
        "trade_time": str(int(fill.time)),
        "client_order_id": order.client_order_id or "",
    }


def transfer(t: SimTransfer) -> dict[str, Any]:
    asset = t.asset.lower()
    view: dict[str, Any] = {
        "status": TRANSFER_STATUS[t.status],
        "fee": coin(t.fee),
        "amount": coin(t.amount),
        "submit_time": str(int(t.created_at)),
        "success_time": str(int(t.updated_at)) if t.status == "done" else "",
        "tx": t.txid or "",
    }
    if t.kind == "deposit":
        view["deposit_id"] = t.id
    else:
        view["withdraw_id"] = withdraw_id(t)
    if asset == "idr":
        view.update(type="bank", rp=coin(t.amount + t.fee))
    else:
        view[asset] = coin(t.amount)
    return view


def withdraw_id(t: SimTransfer) -> str:
    return f"{t.asset.lower()}-{t.id}"
