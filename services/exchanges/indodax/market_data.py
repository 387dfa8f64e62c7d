"""Public market data: /api/* (about 180 requests a minute) and the tradingview candles."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from services.exchanges import errors
from services.exchanges.candles import merge as merge_candles
from services.exchanges.models import Candle, Market, OrderBook, PublicTrade, Ticker

from . import convert, schemas
from .constants import (
    AGGREGATED_TIMEFRAMES,
    DEPTH_PATH,
    EXCHANGE,
    OHLCV_PATH,
    PAIRS_PATH,
    SERVER_TIME_PATH,
    TICKER_ALL_PATH,
    TICKER_PATH,
    TIMEFRAMES,
    TRADES_PATH,
)
from .session import IndodaxSession

DEFAULT_CANDLES = 100


def path_id(m: Market) -> str:
    """``btc_idr`` -> ``btcidr``: the spelling of /api/ticker, /api/depth, /api/trades and tradingview."""
    return m.id.replace("_", "")


class IndodaxMarketData(IndodaxSession):
    async def fetch_server_time(self) -> datetime:
        data = await self.public(SERVER_TIME_PATH, "server_time")
        millis = self.parse(schemas.ServerTime, data, "server_time").server_time
        return datetime.fromtimestamp(millis / 1000, UTC)

    async def fetch_markets(self) -> list[Market]:
        pairs = self.parse(list[schemas.PairInfo], await self.public(PAIRS_PATH, "pairs"), "pairs")
        return [convert.market(p) for p in pairs]

    async def fetch_tickers(self) -> dict[str, Ticker]:
        data = await self.public(TICKER_ALL_PATH, "ticker_all")
        raw = self.parse(schemas.TickerAll, data, "ticker_all")
        tickers = [convert.ticker(ticker_id, t) for ticker_id, t in raw.tickers.items()]
        return {t.symbol: t for t in tickers}

    async def fetch_ticker(self, pair: str) -> Ticker:
        m = await self.market(pair)
        data = await self.public(TICKER_PATH.format(id=path_id(m)), "ticker")
        return convert.ticker(m.id, self.parse(schemas.TickerOne, data, "ticker").ticker)

    async def fetch_order_book(self, pair: str, limit: int | None = None) -> OrderBook:
        m = await self.market(pair)
        data = await self.public(DEPTH_PATH.format(id=path_id(m)), "depth")
        return convert.order_book(m.symbol, self.parse(schemas.Depth, data, "depth"), limit)

    async def fetch_trades(self, pair: str, limit: int | None = None) -> list[PublicTrade]:
        m = await self.market(pair)
        data = await self.public(TRADES_PATH.format(id=path_id(m)), "trades")
        rows = self.parse(list[schemas.PublicTradeRaw], data, "trades")
        trades = [convert.public_trade(m.symbol, t) for t in rows]
        return trades[:limit] if limit is not None else trades

    async def fetch_ohlcv(
        self, pair: str, interval: str = "1h", since: datetime | None = None, limit: int | None = None
    ) -> list[Candle]:
        count = limit or DEFAULT_CANDLES
        if interval in AGGREGATED_TIMEFRAMES:
            finer, factor = AGGREGATED_TIMEFRAMES[interval]
            fine = await self.fetch_ohlcv(pair, finer, since, count * factor)
            merged = merge_candles(fine, TIMEFRAMES[finer][1] * factor)
            return merged[:count] if since is not None else merged[-count:]
        if interval not in TIMEFRAMES:
            raise errors.InvalidRequest(f"unknown interval {interval!r}", exchange=EXCHANGE, endpoint="ohlcv")
        tf, step = TIMEFRAMES[interval]
        m = await self.market(pair)
        now = int(time.time())
        start = int(since.timestamp()) if since is not None else now - count * step
        end = min(now, start + count * step)
        query = [("from", str(start)), ("to", str(end)), ("tf", tf), ("symbol", path_id(m).upper())]
        rows = self.parse(list[schemas.CandleRaw], await self.public(OHLCV_PATH, "ohlcv", query), "ohlcv")
        candles = sorted((convert.candle(r) for r in rows), key=lambda c: c.timestamp)
        return candles[:count] if since is not None else candles[-count:]
