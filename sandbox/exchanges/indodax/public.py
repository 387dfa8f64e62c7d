"""Public market data: /api/server_time, pairs, ticker_all, summaries, ticker, depth, trades and the
tradingview candles, in the shapes the operator publishes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web

from sandbox.exchanges.common.seed import SeedMarket
from services.exchanges.base import INTERVAL_SECONDS
from services.exchanges.indodax.constants import PUBLIC_BUCKET, TIMEFRAMES

from .state import IndodaxState, pair_id
from .wire import Refusal, answer, coin, plain, price_text

TF_SECONDS = {tf: INTERVAL_SECONDS[interval] for interval, tf in TIMEFRAMES.items()} | {"3D": 3 * 86_400}
PUBLIC_LIMIT_TEXT = "Too many requests, please slow down"
FEE_PERCENT = Decimal("0.3")


def number(value: Decimal) -> int | str:
    """Whole prices go out as JSON integers (as the depth example shows), others as strings."""
    return int(value) if value == value.to_integral_value() else plain(value)


class PublicApi:
    def __init__(self, state: IndodaxState) -> None:
        self.state = state

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/api/server_time", self.guard(self.server_time)),
            web.get("/api/pairs", self.guard(self.pairs)),
            web.get("/api/ticker_all", self.guard(self.ticker_all)),
            web.get("/api/summaries", self.guard(self.summaries)),
            web.get("/api/ticker/{id}", self.guard(self.ticker)),
            web.get("/api/depth/{id}", self.guard(self.depth)),
            web.get("/api/trades/{id}", self.guard(self.trades)),
            web.get("/tradingview/history_v2", self.guard(self.history)),
        ]

    def guard(self, handler: Any) -> Any:
        async def guarded(request: web.Request) -> web.Response:
            if self.state.limiter.check([PUBLIC_BUCKET], scope=request.remote or "") is not None:
                # the body of a 429 may lack "success"
                return answer({"error": PUBLIC_LIMIT_TEXT, "error_code": "too_many_requests"}, 429)
            try:
                result: web.Response = await handler(request)
            except Refusal as refusal:
                return refusal.response()
            return result

        return guarded

    def _ticker(self, market: SeedMarket) -> dict[str, Any]:
        book = self.state.book(market.symbol)
        now = self.state.clock.now()
        stats = book.stats_24h(now)
        reference = book.reference_price()
        base, quote = market.base.lower(), market.quote.lower()
        return {
            "high": price_text(stats.high or reference),
            "low": price_text(stats.low or reference),
            f"vol_{base}": coin(stats.volume),
            f"vol_{quote}": coin(stats.quote_volume),
            "last": price_text(book.last_price or book.reference_price()),
            "buy": price_text(book.best_bid),
            "sell": price_text(book.best_ask),
            "server_time": int(now),
            "name": market.base,
        }

    async def server_time(self, request: web.Request) -> web.Response:
        return answer({"timezone": "UTC", "server_time": self.state.clock.now_ms()})

    async def pairs(self, request: web.Request) -> web.Response:
        return answer([self._pair(m) for m in self.state.pairs.values()])

    def _pair(self, m: SeedMarket) -> dict[str, Any]:
        pid = pair_id(m)
        return {
            "id": pid.replace("_", ""),
            "symbol": pid.replace("_", "").upper(),
            "base_currency": m.quote.lower(),
            "traded_currency": m.base.lower(),
            "traded_currency_unit": m.base,
            "description": f"{m.base}/{m.quote}",
            "ticker_id": pid,
            "volume_precision": m.price_precision,
            "price_precision": number(m.price_step),
            "price_round": m.amount_precision,
            "pricescale": 10**m.price_precision,
            "trade_min_base_currency": number(m.min_cost),
            "trade_min_traded_currency": plain(m.min_amount),
            "has_memo": False,
            "trade_fee_percent": plain(FEE_PERCENT),
            "is_maintenance": 0,
        }

    async def ticker_all(self, request: web.Request) -> web.Response:
        return answer({"tickers": {pid: self._ticker(m) for pid, m in self.state.pairs.items()}})

    async def summaries(self, request: web.Request) -> web.Response:
        tickers = {pid: self._ticker(m) for pid, m in self.state.pairs.items()}
        now = self.state.clock.now()
        prices_24h, prices_7d = {}, {}
        for pid, m in self.state.pairs.items():
            book = self.state.book(m.symbol)
            prices_24h[pid.replace("_", "")] = price_text(book.stats_24h(now).open)
            prices_7d[pid.replace("_", "")] = price_text(book.stats_24h(now).open)
        return answer({"tickers": tickers, "prices_24h": prices_24h, "prices_7d": prices_7d})

    async def ticker(self, request: web.Request) -> web.Response:
        market = self.state.market_by_path_id(request.match_info["id"])
        return answer({"ticker": self._ticker(market)})

    async def depth(self, request: web.Request) -> web.Response:
        market = self.state.market_by_path_id(request.match_info["id"])
        depth = self.state.book(market.symbol).depth(150)
        return answer(
            {
                "buy": [[number(p), coin(a)] for p, a in depth.bids],
                "sell": [[number(p), coin(a)] for p, a in depth.asks],
            }
        )

    async def trades(self, request: web.Request) -> web.Response:
        market = self.state.market_by_path_id(request.match_info["id"])
        fills = self.state.book(market.symbol).recent_trades(150)
        return answer(
            [
                {
                    "date": str(int(f.time)),
                    "price": price_text(f.price),
                    "amount": coin(f.amount),
                    "tid": f.id,
                    "type": f.taker_side,
                }
                for f in fills
            ]
        )

    async def history(self, request: web.Request) -> web.Response:
        query = request.query
        market = self.state.market_by_path_id(query.get("symbol", ""))
        seconds = TF_SECONDS.get(query.get("tf", ""))
        start, end = query.get("from", ""), query.get("to", "")
        if seconds is None or not start.isdigit() or not end.isdigit():
            raise Refusal("Invalid parameter", "invalid_parameter")
        candles = self.state.book(market.symbol).candles(seconds, since=int(start), until=int(end) + 1)
        return answer(
            [
                {
                    "Time": int(c.time),
                    "Open": number(c.open),
                    "High": number(c.high),
                    "Low": number(c.low),
                    "Close": number(c.close),
                    "Volume": coin(c.volume),
                }
                for c in candles
            ]
        )
