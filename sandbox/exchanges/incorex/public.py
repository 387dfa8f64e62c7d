"""Public methods: trades, order_book, ticker, pair_settings, currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.exchanges.incorex.constants import (
    ORDER_BOOK_DEFAULT_LIMIT,
    ORDER_BOOK_MAX_LIMIT,
    WIRE_BY_SIDE,
)
from services.exchanges.models import OrderSide

from .state import IncorexState
from .wire import Params, int_param, num, pair_list

RECENT_TRADES = 100
ZERO = Decimal(0)


def trades(state: IncorexState, params: Params) -> dict[str, Any]:
    answer = {}
    for pid in pair_list(params):
        book = state.pair_book(pid)
        answer[pid] = [
            {
                "trade_id": int(fill.id),
                "type": WIRE_BY_SIDE[OrderSide(fill.taker_side)],
                "quantity": num(fill.amount),
                "price": num(fill.price),
                "amount": num(fill.cost),
                "date": int(fill.time),
            }
            for fill in book.recent_trades(RECENT_TRADES)
        ]
    return answer


def order_book(state: IncorexState, params: Params) -> dict[str, Any]:
    limit = int_param(params, "limit", ORDER_BOOK_DEFAULT_LIMIT, ORDER_BOOK_MAX_LIMIT)
    answer = {}
    for pid in pair_list(params):
        depth = state.pair_book(pid).depth(limit)
        asks = [[num(p), num(q), num(p * q)] for p, q in depth.asks]
        bids = [[num(p), num(q), num(p * q)] for p, q in depth.bids]
        answer[pid] = {
            "ask": asks,
            "bid": bids,
            "ask_quantity": num(sum((q for _, q in depth.asks), ZERO)),
            "ask_amount": num(sum((p * q for p, q in depth.asks), ZERO)),
            "ask_top": num(depth.asks[0][0] if depth.asks else ZERO),
            "bid_quantity": num(sum((q for _, q in depth.bids), ZERO)),
            "bid_amount": num(sum((p * q for p, q in depth.bids), ZERO)),
            "bid_top": num(depth.bids[0][0] if depth.bids else ZERO),
        }
    return answer


def ticker(state: IncorexState, params: Params) -> dict[str, Any]:
    now = state.clock.now()
    answer = {}
    for pid, market in state.pairs.items():
        book = state.book(market.symbol)
        stats = book.stats_24h(now)
        reference = book.reference_price()
        answer[pid] = [
            market.symbol,
            # the document's example order: highest bid, then lowest ask (its labels say the reverse)
            num(book.best_bid),
            num(book.best_ask),
            num(stats.change or ZERO),
            num(stats.change_percent or ZERO),
            num(stats.last or reference),
            num(stats.volume),
            num(stats.high or reference),
            num(stats.low or reference),
            int(now),
        ]
    return answer


def pair_settings(state: IncorexState, params: Params) -> dict[str, Any]:
    return {
        pid: {
            "min_quantity": num(limits.min_quantity),
            "max_quantity": num(limits.max_quantity),
            "min_price": num(limits.min_price),
            "max_price": num(limits.max_price),
            "min_amount": num(limits.min_amount),
            "max_amount": num(limits.max_amount),
        }
        for pid, limits in state.pair_limits.items()
    }


def currency(state: IncorexState, params: Params) -> list[str]:
    return state.currencies()
