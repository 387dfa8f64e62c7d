"""Raw Indodax shapes -> the exchange-neutral models, and transHistory's date windows (at most 7 days per
request, paged backwards)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_DOWN, Decimal
from typing import TypeVar

from services.exchanges.models import (
    Balance,
    Balances,
    Candle,
    Deposit,
    Market,
    MarketLimits,
    MarketPrecision,
    MinMax,
    Order,
    OrderBook,
    OrderSide,
    OrderStatus,
    OrderType,
    PriceLevel,
    PublicTrade,
    Ticker,
    Trade,
    Transfer,
    TransferStatus,
)
from services.exchanges.symbols import unified

from . import schemas
from .constants import ORDER_STATUS, TRANS_HISTORY_MAX_DAYS, TRANS_HISTORY_MAX_RECORDS, TRANSFER_STATUS

_ORDER_TYPES = {"limit": OrderType.LIMIT, "market": OrderType.MARKET, "stoplimit": OrderType.STOP_LIMIT}


def when(seconds: int | None) -> datetime | None:
    return None if not seconds else datetime.fromtimestamp(seconds, UTC)


def market(pair: schemas.PairInfo) -> Market:
    base, quote = pair.traded_currency.upper(), pair.base_currency.upper()
    suspended = bool(pair.is_maintenance) or bool(pair.is_market_suspended)
    fee = None if pair.trade_fee_percent is None else pair.trade_fee_percent / 100
    return Market(
        symbol=unified(base, quote),
        id=pair.ticker_id,
        base=base,
        quote=quote,
        active=not suspended,
        # price_round is the number of decimals of the traded amount (CCXT reads it the same way)
        precision=MarketPrecision(amount=pair.price_round, price=pair.volume_precision),
        limits=MarketLimits(
            amount=MinMax(min=pair.trade_min_traded_currency),
            cost=MinMax(min=pair.trade_min_base_currency),
        ),
        maker_fee=fee,
        taker_fee=fee,
    )


def split_ticker_id(ticker_id: str) -> tuple[str, str]:
    base, _, quote = ticker_id.partition("_")
    return base, quote


def ticker(ticker_id: str, raw: schemas.TickerRaw) -> Ticker:
    base, quote = split_ticker_id(ticker_id)
    return Ticker(
        symbol=unified(base, quote),
        last=raw.last,
        bid=raw.buy,
        ask=raw.sell,
        high=raw.high,
        low=raw.low,
        base_volume=raw.amount_for("vol", base),
        quote_volume=raw.amount_for("vol", quote),
        timestamp=when(raw.server_time),
    )


def order_book(symbol: str, raw: schemas.Depth, limit: int | None) -> OrderBook:
    def levels(rows: Sequence[tuple[Decimal, Decimal]]) -> list[PriceLevel]:
        return [PriceLevel(price=p, amount=a) for p, a in rows[:limit]]

    return OrderBook(symbol=symbol, bids=levels(raw.buy), asks=levels(raw.sell))


def public_trade(symbol: str, raw: schemas.PublicTradeRaw) -> PublicTrade:
    return PublicTrade(
        id=str(raw.tid),
        symbol=symbol,
        side=OrderSide(raw.type) if raw.type in ("buy", "sell") else None,
        price=raw.price,
        amount=raw.amount,
        timestamp=datetime.fromtimestamp(raw.date, UTC),
    )


def candle(raw: schemas.CandleRaw) -> Candle:
    return Candle(
        timestamp=datetime.fromtimestamp(raw.time, UTC),
        open=raw.open,
        high=raw.high,
        low=raw.low,
        close=raw.close,
        volume=raw.volume,
    )


def balances(info: schemas.Info) -> Balances:
    assets = set(info.balance) | set(info.balance_hold)
    return Balances(
        assets={
            a.upper(): Balance(
                asset=a.upper(),
                free=info.balance.get(a, Decimal(0)),
                reserved=info.balance_hold.get(a, Decimal(0)),
            )
            for a in sorted(assets)
        }
    )


def order(m: Market, raw: schemas.OrderRaw, default_status: OrderStatus = OrderStatus.UNKNOWN) -> Order:
    """Sells are sized in the base asset, buys usually in the quote (``order_idr``/``order_rp``)."""
    base, quote = m.base.lower(), m.quote.lower()
    status = ORDER_STATUS.get(raw.status or "", default_status)
    price = raw.price or None
    amount: Decimal | None
    ordered_base = raw.amount_for("order", base)
    if ordered_base is not None:
        remain = raw.amount_for("remain", base)
        amount = ordered_base
        filled = ordered_base - (remain if remain is not None else _unfilled(status, ordered_base))
        cost = filled * price if price else None
    else:
        ordered_quote = raw.amount_for("order", quote, "rp") or Decimal(0)
        remain = raw.amount_for("remain", quote, "rp")
        cost = ordered_quote - (remain if remain is not None else _unfilled(status, ordered_quote))
        amount = ordered_quote / price if price else None
        # a market buy has no price: what it bought is only in receive_<base> (getOrder)
        filled = cost / price if price else raw.amount_for("receive", base) or Decimal(0)
    return Order(
        id=str(raw.order_id),
        symbol=m.symbol,
        side=OrderSide(raw.type),
        type=_ORDER_TYPES.get(raw.order_type or "limit", OrderType.LIMIT),
        status=status,
        amount=amount,
        price=price,
        filled=filled,
        average=price if filled else None,
        cost=cost,
        client_order_id=raw.client_order_id or None,
        timestamp=when(raw.submit_time),
    )


def _unfilled(status: OrderStatus, ordered: Decimal) -> Decimal:
    return Decimal(0) if status is OrderStatus.CLOSED else ordered


def my_trade(m: Market, raw: schemas.MyTradeRaw) -> Trade:
    amount = raw.amount_for("", m.base.lower()) or Decimal(0)
    return Trade(
        id=str(raw.trade_id),
        order_id=None if raw.order_id is None else str(raw.order_id),
        symbol=m.symbol,
        side=OrderSide(raw.type),
        price=raw.price,
        amount=amount,
        cost=raw.price * amount,
        fee=raw.fee,
        timestamp=when(raw.trade_time),
    )


def transfer_status(word: str) -> TransferStatus:
    return TRANSFER_STATUS.get(word.lower(), TransferStatus.PENDING)


# Indodax counts days in Jakarta time (WIB, no daylight saving)
WIB = timezone(timedelta(hours=7), "WIB")
DATE_FORMAT = "%Y-%m-%d"

T = TypeVar("T", bound=Transfer)
Window = tuple[date, date]
log = logging.getLogger(__name__)


def today() -> date:
    return datetime.now(WIB).date()


def windows(since: datetime | None, last_day: date) -> list[tuple[date, date] | None]:
    """Date ranges, newest first, covering ``since`` up to ``last_day``; [None] asks for the server's
    default (the last 7 days). Each range spans at most 7 days, start before end."""
    if since is None:
        return [None]
    first = since.astimezone(WIB).date()
    found: list[tuple[date, date] | None] = []
    end = last_day
    while True:
        start = max(first, end - timedelta(days=TRANS_HISTORY_MAX_DAYS - 1))
        start = min(start, end - timedelta(days=1))
        found.append((start, end))
        if start <= first:
            return found
        end = start - timedelta(days=1)


def older_part(window: Window | None, page: schemas.TransHistory) -> Window | None:
    """What is left to read of ``window`` after ``page``: "Max limit per fetch is 500 records (per
    deposit coin, withdraw coin, ...)", "Order descending by submit_time", so a list that came back full
    may have older records, up to the day of its oldest one (read again: that day may hold more)."""
    start, end = window or (today() - timedelta(days=TRANS_HISTORY_MAX_DAYS), today())
    full = [
        rows
        for groups in (page.deposit, page.withdraw)
        for rows in groups.values()
        if len(rows) >= TRANS_HISTORY_MAX_RECORDS
    ]
    if not full:
        return None
    cut = max(min(_day(row, end) for row in rows) for rows in full)
    if cut >= end:
        log.warning(
            "indodax transHistory: over %d records on %s; older ones are out of reach", len(full[0]), end
        )
        return None
    return min(start, cut - timedelta(days=1)), cut


def _day(row: schemas.TransferRaw, default: date) -> date:
    seconds = row.submit_time or row.success_time
    return datetime.fromtimestamp(seconds, WIB).date() if seconds else default


def window_params(window: tuple[date, date] | None) -> list[tuple[str, str]]:
    if window is None:
        return []
    start, end = window
    return [("start", start.strftime(DATE_FORMAT)), ("end", end.strftime(DATE_FORMAT))]


def transfers(
    cls: type[T],
    groups: dict[str, list[schemas.TransferRaw]],
    asset: str | None,
) -> list[T]:
    id_field = "deposit_id" if cls is Deposit else "withdraw_id"
    found = []
    for currency, rows in groups.items():
        if asset is not None and currency.lower() != asset.lower():
            continue
        for raw in rows:
            ident = getattr(raw, id_field)
            found.append(
                cls(
                    id=str(ident if ident is not None else raw.tx or ""),
                    asset=currency.upper(),
                    amount=raw.amount,
                    fee=raw.fee,
                    status=transfer_status(raw.status),
                    txid=raw.tx or None,
                    timestamp=when(raw.submit_time or raw.success_time),
                    updated=when(raw.success_time),
                    raw_status=raw.status,
                )
            )
    return found


def merge_transfers(pages: list[list[T]], since: datetime | None, limit: int | None) -> list[T]:
    """Newest first, each transfer once (windows may overlap), none before ``since``."""
    seen: dict[tuple[str, str], T] = {}
    for page in pages:
        for t in page:
            seen.setdefault((t.asset, t.id), t)
    epoch = datetime.fromtimestamp(0, WIB)
    ordered = sorted(seen.values(), key=lambda t: t.timestamp or epoch, reverse=True)
    if since is not None:
        ordered = [t for t in ordered if t.timestamp is None or t.timestamp >= since]
    return ordered[:limit] if limit is not None else ordered


def path_id(m: Market) -> str:
    """``btc_idr`` -> ``btcidr``: the spelling of /api/ticker, /api/depth, /api/trades and tradingview."""
    return m.id.replace("_", "")


def round_quote(m: Market, value: Decimal) -> Decimal:
    if m.precision.price is None:
        return value
    return value.quantize(Decimal(1).scaleb(-m.precision.price), rounding=ROUND_DOWN)


def networks(info: schemas.Info, asset: str) -> list[str]:
    """getInfo's network map gives one name or a list ("eth": ["eth", "arb", "op", "base"])."""
    offered = info.network.get(asset, [])
    return [offered] if isinstance(offered, str) else list(offered)
