"""Public market endpoints in the document's shapes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.exchanges.common import MatchingBook, SeedMarket
from services.exchanges.narkasa.constants import INTERVAL_MS, NATIVE_INTERVALS

from .state import NarkasaSim
from .wire import Params, Refusal, ms, ok, required

ZERO = Decimal(0)


def time_now(sim: NarkasaSim, params: Params) -> dict[str, Any]:
    return ok(data=sim.core.clock.now_ms())


def ping(sim: NarkasaSim, params: Params) -> dict[str, Any]:
    return ok(data="PONG")


def ticker_fields(sim: NarkasaSim, market_id: str) -> dict[str, Any]:
    """The 24h statistics every ticker shape shares (REST 24h, allTickers and ticker streams)."""
    market = sim.markets[market_id]
    book = sim.core.book(market.symbol)
    now = sim.core.clock.now()
    stats = book.stats_24h(now)
    window = [t for t in book.trades if now - 86_400 < t.time <= now]
    return {
        "symbol": market_id,
        "changeAmount": stats.change or ZERO,
        "changePercent": (stats.change_percent or ZERO).quantize(Decimal("0.0001")),
        "last": stats.last or ZERO,
        "firstBid": book.best_bid or ZERO,
        "firstAsk": book.best_ask or ZERO,
        "open": stats.open or ZERO,
        "high": stats.high or ZERO,
        "low": stats.low or ZERO,
        "avg": (stats.quote_volume / stats.volume).quantize(market.price_step)
        if stats.volume
        else stats.last or ZERO,
        "volume": stats.quote_volume,
        "volumeQty": stats.volume,
        "openTime": ms(window[0].time) if window else sim.core.clock.now_ms(),
        "tradeCount": stats.trades,
    }


def markets(sim: NarkasaSim, params: Params) -> dict[str, Any]:
    rows = []
    for market_id, market in sim.markets.items():
        fields = ticker_fields(sim, market_id)
        fields["volume"] = fields.pop("volumeQty")  # the list gives the base volume only, as its example
        rows.append({"name": market.base, "firstSymbol": market.base, "secondSymbol": market.quote, **fields})
    return ok(markets=rows)


def _market(sim: NarkasaSim, params: Params) -> tuple[str, SeedMarket, MatchingBook]:
    market = sim.market(required(params, "symbol"))
    return market.id or market.base + market.quote, market, sim.core.book(market.symbol)


def ticker_24h(sim: NarkasaSim, params: Params) -> dict[str, Any]:
    market_id, _, _ = _market(sim, params)
    return ok(market=ticker_fields(sim, market_id))


def info(sim: NarkasaSim, params: Params) -> dict[str, Any]:
    market_id, market, _ = _market(sim, params)
    commission = sim.core.seed.taker_fee * 100
    return ok(
        info={
            "symbol": market_id,
            "firstSymbol": market.base,
            "secondSymbol": market.quote,
            "firstSymbolMaxLength": market.amount_precision,
            "secondSymbolMaxLength": market.price_precision,
            "minTradeTotal": market.min_cost,
            "minAmount": market.min_amount,
            "commission": commission,
            "enable": "true",
            "cancelEnable": "true",
            "orderEnable": "true",
            "commissionTaker": commission,
            "commissionMaker": sim.core.seed.maker_fee * 100,
            "commissionPercentage": True,
            "commissionTierBased": False,
            "precision": {
                "price": market.price_precision,
                "amount": market.amount_precision,
                "total": market.price_precision,
            },
        }
    )


def candles(sim: NarkasaSim, params: Params) -> dict[str, Any]:
    _, _, book = _market(sim, params)
    interval = params.get("interval") or "m1"
    if interval not in NATIVE_INTERVALS:
        raise Refusal("90001")
    start = params.get("startDate")
    end = params.get("endDate")
    try:
        since = int(start) / 1000 if start else None
        until = int(end) / 1000 if end else None
    except ValueError:
        raise Refusal("90001") from None
    width = INTERVAL_MS[interval] / 1000
    rows = [
        {
            "open": k.open,
            "low": k.low,
            "high": k.high,
            "close": k.close,
            "volume": k.volume,
            "openTime": ms(k.time),
            "closetime": ms(k.time + width) - 1,
        }
        for k in book.candles(width, since, until)
    ]
    return ok(candles=rows[-500:])


def orderbook(sim: NarkasaSim, params: Params) -> dict[str, Any]:
    _, _, book = _market(sim, params)
    depth = book.depth(1)
    return ok(
        book={
            "bids": [{"price": p, "amount": a} for p, a in depth.bids],
            "asks": [{"price": p, "amount": a} for p, a in depth.asks],
        }
    )


def depth_levels(book: MatchingBook, limit: int = 50) -> dict[str, Any]:
    counts: dict[tuple[str, Decimal], int] = {}
    for order in book.open_orders():
        if order.status == "open" and order.price is not None:
            counts[(order.side, order.price)] = counts.get((order.side, order.price), 0) + 1
    depth = book.depth(limit)
    return {
        "bids": [{"price": p, "amount": a, "count": counts.get(("buy", p), 1)} for p, a in depth.bids],
        "asks": [{"price": p, "amount": a, "count": counts.get(("sell", p), 1)} for p, a in depth.asks],
    }


def depth(sim: NarkasaSim, params: Params) -> dict[str, Any]:
    _, _, book = _market(sim, params)
    return ok(book=depth_levels(book))


def trades(sim: NarkasaSim, params: Params) -> dict[str, Any]:
    _, _, book = _market(sim, params)
    rows = [
        {"price": t.price, "amount": t.amount, "time": ms(t.time), "type": 1 if t.taker_side == "buy" else 0}
        for t in book.recent_trades(100)
    ]
    return ok(trades=rows)
