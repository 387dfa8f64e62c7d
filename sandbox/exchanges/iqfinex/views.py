"""The simulator's state in the document's response shapes."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from sandbox.exchanges.common.matching import MatchingBook
from sandbox.exchanges.common.orders import Fill, SimOrder
from sandbox.exchanges.common.seed import SeedMarket

from .state import IqfinexState

STATUSES = {"open": "active", "pending_stop": "active", "filled": "closed", "cancelled": "canceled"}
TYPES = {"limit": "LIMIT", "market": "MARKET", "stop_limit": "STOP_LIMIT"}
ZERO = Decimal(0)


def asset_row(asset: str, market: SeedMarket, trading: bool) -> dict[str, Any]:
    return {
        "pair": asset,
        "right": market.quote,
        "left": market.base,
        "accuracy": market.price_precision,
        "min_volume": market.min_amount,
        "isTrade": trading,
    }


def ticker(book: MatchingBook, now: float) -> dict[str, Any]:
    depth = book.depth()
    stats = book.stats_24h(now)
    change = stats.change_percent
    return {
        "bid": book.best_bid,
        "ask": book.best_ask,
        "bid_vol": depth.bids[0][1] if depth.bids else ZERO,
        "ask_vol": depth.asks[0][1] if depth.asks else ZERO,
        "buy_size": sum((v for _, v in depth.bids), ZERO),
        "sell_size": sum((v for _, v in depth.asks), ZERO),
        "high": stats.high,
        "low": stats.low,
        "last": stats.last,
        "volume24": stats.volume,
        "percentChange": None if change is None else change.quantize(Decimal("0.01")),
        "timestamp": int(now),
    }


def order_book(book: MatchingBook, accuracy: int, rounding: int) -> dict[str, Any]:
    """Level ``rounding`` rounds prices to ``accuracy - rounding`` digits (3632.12 -> 3632.1 -> 3632 -> 3630);
    buy prices round down and sell prices up, so a level never looks better than its orders."""
    step = Decimal(1).scaleb(rounding - accuracy)
    sides: dict[str, dict[Decimal, list[Any]]] = {"buy": {}, "sell": {}}
    for order in book.open_orders():
        if order.status != "open" or order.price is None:
            continue
        direction = ROUND_FLOOR if order.side == "buy" else ROUND_CEILING
        level = sides[order.side].setdefault(order.price.quantize(step, rounding=direction), [ZERO, 0])
        level[0] += order.remaining
        level[1] += 1
    return {
        side: {format(price, "f"): levels[price] for price in sorted(levels)}
        for side, levels in sides.items()
    }


def public_trade(fill: Fill, asset: str) -> dict[str, Any]:
    return {
        "id": int(fill.id),
        "type": fill.taker_side,
        "volume": fill.amount,
        "price": fill.price,
        "close_time": int(fill.time),
        "asset": asset,
    }


def candle_rows(book: MatchingBook, frame: int, now: float) -> list[list[Any]]:
    """Newest first; the candle still open has no close time."""
    rows: list[list[Any]] = []
    for candle in reversed(book.candles(frame)):
        row: list[Any] = [candle.open, candle.high, candle.low, candle.close, candle.volume]
        close = int(candle.time) + frame
        if close <= now:
            row.append(close)
        rows.append(row)
    return rows


def order_row(order: SimOrder, asset: str) -> dict[str, Any]:
    price = order.price if order.price is not None else order.average_price
    row: dict[str, Any] = {
        "id": int(order.id),
        "asset": asset,
        "cmd": order.side,
        "volume": order.remaining if order.is_open or order.status == "cancelled" else ZERO,
        "type": TYPES[order.type],
        "price": price if price is not None else ZERO,
        "original_volume": order.amount,
        "executed_volume": order.filled,
        "open_time": int(order.created_at),
        "status": STATUSES[order.status],
    }
    if order.stop_price is not None:
        row["stopPrice"] = order.stop_price
    if not order.is_open:
        row["close_time"] = int(order.updated_at)
    return row


def my_trade(state: IqfinexState, fill: Fill, order_id: str, asset: str) -> dict[str, Any]:
    order = state.orders[order_id]
    counterparty = fill.maker_account_id if order_id == fill.taker_order_id else fill.taker_account_id
    side = fill.side_of(order_id)
    market = state.market(asset)
    return {
        "id": int(fill.id),
        "id_user": state.user_id(order.account_id),
        "volume": fill.amount,
        "price": fill.price,
        "cmd": side,
        "asset": asset,
        "commission": fill.fee_of(order_id),
        "commissionCurrency": market.base if side == "buy" else market.quote,
        "open_time": int(order.created_at),
        "target_user": state.user_id(counterparty),
        "close_time": int(fill.time),
        "order_id": int(order_id),
    }
