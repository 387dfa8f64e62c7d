"""Exchanger answers -> the exchange-neutral models: a direction is a market and its quote a ticker."""

from __future__ import annotations

from collections.abc import Sequence

from services.exchanges.models import Market, MarketLimits, Ticker
from services.exchanges.symbols import unified

from .models import BidRecord, Direction


def newest_first(bids: Sequence[BidRecord]) -> list[BidRecord]:
    return sorted(bids, key=lambda b: (b.time, id_order(b.id)), reverse=True)


def id_order(direction_id: str) -> tuple[int, str]:
    return (int(direction_id), "") if direction_id.isdigit() else (0, direction_id)


def direction_market(direction: Direction) -> Market:
    return Market(
        symbol=unified(direction.give_code, direction.get_code),
        id=direction.id,
        base=direction.give_code.upper(),
        quote=direction.get_code.upper(),
        active=direction.reserve is None or direction.reserve > 0,
        limits=MarketLimits(amount=direction.give_limits),
    )


def direction_ticker(direction: Direction) -> Ticker:
    # the site's quote for selling one "give" unit: what it pays, i.e. its bid for the pair
    rate = direction.rate
    return Ticker(symbol=unified(direction.give_code, direction.get_code), last=rate, bid=rate)
