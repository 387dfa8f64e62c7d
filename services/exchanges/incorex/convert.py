"""Raw IncoreX shapes -> the exchange-neutral models."""

from __future__ import annotations

from datetime import UTC, datetime

from services.exchanges import errors
from services.exchanges.models import (
    Deposit,
    Market,
    MarketLimits,
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
    TransferStatus,
    Withdrawal,
)
from services.exchanges.symbols import split_pair, unified

from . import schemas
from .constants import EXCHANGE, ORDER_TYPE_BY_WIRE, SIDE_BY_WIRE, TRANSFER_STATUS, WITHDRAWAL


def when(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, tz=UTC)


def symbol_of(pair_id: str) -> str:
    """``BTC_USD`` -> ``BTC/USD``."""
    pair = split_pair(pair_id)
    if pair is None:
        raise errors.BadResponse(f"unexpected pair id {pair_id!r}", exchange=EXCHANGE, endpoint="pair")
    return unified(*pair)


def side(wire: int, endpoint: str) -> OrderSide:
    found = SIDE_BY_WIRE.get(wire)
    if found is None:
        raise errors.BadResponse(f"unexpected side {wire!r}", exchange=EXCHANGE, endpoint=endpoint)
    return found


def order_type(wire: str, endpoint: str) -> OrderType:
    found = ORDER_TYPE_BY_WIRE.get(wire)
    if found is None:
        raise errors.BadResponse(f"unexpected order type {wire!r}", exchange=EXCHANGE, endpoint=endpoint)
    return found


def market(pair_id: str, raw: schemas.RawPairSettings) -> Market:
    base, quote = symbol_of(pair_id).split("/")
    return Market(
        symbol=f"{base}/{quote}",
        id=pair_id,
        base=base,
        quote=quote,
        limits=MarketLimits(
            amount=MinMax(min=raw.min_quantity, max=raw.max_quantity),
            price=MinMax(min=raw.min_price, max=raw.max_price),
            cost=MinMax(min=raw.min_amount, max=raw.max_amount),
        ),
    )


def ticker(pair_id: str, raw: schemas.RawTicker) -> Ticker:
    _, bid, ask, _change, change_pct, last, volume, high, low, updated = raw
    return Ticker(
        symbol=symbol_of(pair_id),
        ask=ask,
        bid=bid,
        change_pct=change_pct,
        last=last,
        base_volume=volume,
        high=high,
        low=low,
        timestamp=when(updated),
    )


def order_book(symbol: str, raw: schemas.RawBook) -> OrderBook:
    return OrderBook(
        symbol=symbol,
        bids=[PriceLevel(price=price, amount=quantity) for price, quantity, _ in raw.bid],
        asks=[PriceLevel(price=price, amount=quantity) for price, quantity, _ in raw.ask],
    )


def public_trade(symbol: str, raw: schemas.RawTrade) -> PublicTrade:
    return PublicTrade(
        id=str(raw.trade_id),
        symbol=symbol,
        side=side(raw.type, "trades"),
        price=raw.price,
        amount=raw.quantity,
        timestamp=when(raw.date),
    )


def order(raw: schemas.RawOrder, status: OrderStatus, endpoint: str) -> Order:
    return Order(
        id=str(raw.order_id),
        symbol=symbol_of(raw.pair),
        side=side(raw.position, endpoint),
        type=order_type(raw.type, endpoint),
        status=status,
        amount=raw.quantity,
        price=raw.price,
        timestamp=when(raw.date),
    )


def trade(raw: schemas.RawUserTrade, endpoint: str) -> Trade:
    return Trade(
        id=str(raw.trade_id),
        order_id=str(raw.order_id),
        symbol=symbol_of(raw.pair),
        side=side(raw.type, endpoint),
        price=raw.price,
        amount=raw.quantity,
        cost=raw.amount,
        timestamp=when(raw.date),
    )


def is_history_id(ident: str) -> bool:
    """An id made up for a wallet-history entry (see ``transfer``), not a withdrawal's task id."""
    return ident.count(":") >= 3


def transfer(raw: schemas.RawWalletEntry) -> Deposit | Withdrawal:
    # history entries carry no id: this one stays the same while the status and txid change
    fields = {
        "id": f"{raw.type}:{raw.date}:{raw.currency}:{raw.amount}",
        "asset": raw.currency.upper(),
        "amount": raw.amount,
        "fee": raw.fee,
        "status": TRANSFER_STATUS.get(raw.status.lower(), TransferStatus.PENDING),
        "raw_status": raw.status,
        "address": raw.account or None,
        "txid": raw.txid or None,
        "timestamp": when(raw.date),
        "network": raw.paysystem or None,
    }
    return Withdrawal.model_validate(fields) if raw.type == WITHDRAWAL else Deposit.model_validate(fields)
