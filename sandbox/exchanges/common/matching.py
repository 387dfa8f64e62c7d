"""A price-time priority order book for one market, settling every fill in the ledger.

Limit orders reserve what they may spend (quote for buys at their limit price, base for sells) and trade
at the resting order's price; what does not fill rests. Market orders take what the book has and cancel
the rest. Stop-limit orders wait (``pending_stop``, funds reserved) until the price crosses their stop.
Fees are taken from what each side receives (base for the buyer, quote for the seller), so a reserve
never has to include them.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

from sandbox.exchanges.common.clock import Clock, IdSource
from sandbox.exchanges.common.ledger import Ledger
from sandbox.exchanges.common.market_data import Depth, MarketData
from sandbox.exchanges.common.orders import (
    ZERO,
    Fill,
    InvalidSimOrder,
    OrderNotFound,
    OrderNotOpen,
    SimOrder,
)

FillListener = Callable[[Fill], None]
OrderListener = Callable[[SimOrder], None]


def _bid_key(order: SimOrder) -> tuple[Decimal, int]:
    assert order.price is not None
    return (-order.price, order.seq)


def _ask_key(order: SimOrder) -> tuple[Decimal, int]:
    assert order.price is not None
    return (order.price, order.seq)


class MatchingBook(MarketData):
    def __init__(
        self,
        symbol: str,
        base: str,
        quote: str,
        ledger: Ledger,
        fee_rate: Decimal = ZERO,
        *,
        maker_fee_rate: Decimal | None = None,
        clock: Clock | None = None,
        ids: IdSource | None = None,
        price_step: Decimal | None = None,
        amount_step: Decimal = Decimal("0.00000001"),
    ) -> None:
        super().__init__()
        self.symbol = symbol
        self.base = base
        self.quote = quote
        self.ledger = ledger
        self.taker_fee_rate = fee_rate
        self.maker_fee_rate = fee_rate if maker_fee_rate is None else maker_fee_rate
        self.clock = clock or Clock()
        self.ids = ids or IdSource()
        self.price_step = price_step
        self.amount_step = amount_step
        self.orders: dict[str, SimOrder] = {}
        self._bids: list[SimOrder] = []
        self._asks: list[SimOrder] = []
        self._stops: list[SimOrder] = []
        self._fill_listeners: list[FillListener] = []
        self._order_listeners: list[OrderListener] = []

    # listeners -------------------------------------------------------------------------------------

    def on_fill(self, callback: FillListener) -> Callable[[], None]:
        self._fill_listeners.append(callback)
        return lambda: self._fill_listeners.remove(callback)

    def on_order(self, callback: OrderListener) -> Callable[[], None]:
        """Called on every change of an order: placed, filled (partly), triggered, cancelled."""
        self._order_listeners.append(callback)
        return lambda: self._order_listeners.remove(callback)

    # reading ---------------------------------------------------------------------------------------

    @property
    def best_bid(self) -> Decimal | None:
        return self._bids[0].price if self._bids else None

    @property
    def best_ask(self) -> Decimal | None:
        return self._asks[0].price if self._asks else None

    def depth(self, limit: int | None = None) -> Depth:
        """Aggregated levels: bids best (highest) first, asks best (lowest) first."""
        return Depth(bids=_aggregate(self._bids, limit), asks=_aggregate(self._asks, limit))

    def order(self, order_id: str) -> SimOrder:
        try:
            return self.orders[order_id]
        except KeyError:
            raise OrderNotFound(order_id) from None

    def open_orders(self, account_id: str | None = None) -> list[SimOrder]:
        return [
            o
            for o in self.orders.values()
            if o.is_open and (account_id is None or o.account_id == account_id)
        ]

    def reference_price(self) -> Decimal | None:
        """Last trade, else the middle of the book, else None."""
        if self.last_price is not None:
            return self.last_price
        if self.best_bid is not None and self.best_ask is not None:
            return (self.best_bid + self.best_ask) / 2
        return self.best_bid or self.best_ask

    # writing ---------------------------------------------------------------------------------------

    def place(self, order: SimOrder) -> list[Fill]:
        """Reserve, match and rest ``order``; returns every fill it caused (triggered stops included).

        Raises InvalidSimOrder or ledger.InsufficientBalance before anything changes.
        """
        self._validate(order)
        now = self.clock.now()
        order.id = order.id or self.ids.next_str("order")
        order.created_at = order.updated_at = now
        order.fee_asset = self.base if order.side == "buy" else self.quote
        order.seq = self.ids.next("seq")
        self._reserve(order)
        self.orders[order.id] = order
        if order.type == "stop_limit":
            assert order.stop_price is not None
            reference = self.reference_price()
            order.trigger_above = order.side == "buy" if reference is None else order.stop_price >= reference
            order.status = "pending_stop"
            self._stops.append(order)
            self._emit_order(order)
            return []
        self._emit_order(order)
        fills = self._execute(order)
        if fills:
            fills += self.check_stops(fills[-1].price)
        return fills

    def cancel(self, order_id: str) -> SimOrder:
        order = self.order(order_id)
        if not order.is_open:
            raise OrderNotOpen(order)
        if order.status == "pending_stop":
            self._stops.remove(order)
        else:
            self._side_list(order.side).remove(order)
        self._release_rest(order)
        order.status = "cancelled"
        order.updated_at = self.clock.now()
        self._emit_order(order)
        return order

    def check_stops(self, price: Decimal) -> list[Fill]:
        """Turn every stop crossed by ``price`` into a limit order and match it; returns the fills.

        Called after each trade; a simulator may also call it with its own reference price (best bid/ask,
        a moved mid).
        """
        fills: list[Fill] = []
        while True:
            triggered = [o for o in self._stops if _crossed(o, price)]
            if not triggered:
                return fills
            for order in triggered:
                self._stops.remove(order)
                order.status = "open"
                order.seq = self.ids.next("seq")
                order.updated_at = self.clock.now()
                self._emit_order(order)
                new = self._execute(order)
                fills += new
                if new:
                    price = new[-1].price

    # internals -------------------------------------------------------------------------------------

    def _validate(self, order: SimOrder) -> None:
        if order.symbol != self.symbol:
            raise InvalidSimOrder(f"order for {order.symbol} placed on {self.symbol}")
        if order.side not in ("buy", "sell") or order.type not in ("limit", "market", "stop_limit"):
            raise InvalidSimOrder(f"unknown side/type {order.side}/{order.type}")
        if order.is_quote_sized:
            if order.quote_amount is None or order.quote_amount <= 0:
                raise InvalidSimOrder("quote amount must be positive")
        elif order.amount <= 0:
            raise InvalidSimOrder("amount must be positive")
        if order.type != "market" and (order.price is None or order.price <= 0):
            raise InvalidSimOrder("a limit order needs a positive price")
        if order.type == "stop_limit" and (order.stop_price is None or order.stop_price <= 0):
            raise InvalidSimOrder("a stop-limit order needs a positive stop price")

    def _reserve(self, order: SimOrder) -> None:
        if order.side == "sell":
            amount, asset = order.amount, self.base
        elif order.price is not None:
            amount, asset = order.price * order.amount, self.quote
        elif order.quote_amount is not None:
            amount, asset = order.quote_amount, self.quote
        else:
            amount, asset = self._cost_to_buy(order.amount), self.quote
        self.ledger.reserve(order.account_id, asset, amount)
        order.reserved = amount

    def _cost_to_buy(self, amount: Decimal) -> Decimal:
        cost = ZERO
        for ask in self._asks:
            assert ask.price is not None
            take = min(amount, ask.remaining)
            cost += take * ask.price
            amount -= take
            if amount <= 0:
                break
        return cost

    def _side_list(self, side: str) -> list[SimOrder]:
        return self._bids if side == "buy" else self._asks

    def _execute(self, taker: SimOrder) -> list[Fill]:
        fills: list[Fill] = []
        opposite = self._asks if taker.side == "buy" else self._bids
        exhausted = False
        while opposite:
            maker = opposite[0]
            assert maker.price is not None
            if taker.price is not None and (
                maker.price > taker.price if taker.side == "buy" else maker.price < taker.price
            ):
                break
            if taker.is_quote_sized:
                assert taker.quote_amount is not None
                affordable = ((taker.quote_amount - taker.cost) / maker.price).quantize(
                    self.amount_step, rounding=ROUND_DOWN
                )
                amount = min(maker.remaining, affordable)
            else:
                amount = min(maker.remaining, taker.remaining)
            if amount <= 0:
                exhausted = True
                break
            fills.append(self._fill(maker, taker, maker.price, amount))
            if maker.remaining <= 0:
                opposite.pop(0)
            if not taker.is_quote_sized and taker.remaining <= 0:
                exhausted = True
                break
        self._finish_taker(taker, exhausted)
        return fills

    def _finish_taker(self, taker: SimOrder, exhausted: bool) -> None:
        if taker.type == "market":
            if taker.is_quote_sized:
                taker.amount = taker.filled
            taker.status = "filled" if exhausted and taker.filled > 0 else "cancelled"
            self._release_rest(taker)
        elif taker.remaining <= 0:
            taker.status = "filled"
            self._release_rest(taker)
        else:
            key = _bid_key if taker.side == "buy" else _ask_key
            bisect.insort(self._side_list(taker.side), taker, key=key)
            if taker.filled <= 0:
                return
        taker.updated_at = self.clock.now()
        self._emit_order(taker)

    def _fill(self, maker: SimOrder, taker: SimOrder, price: Decimal, amount: Decimal) -> Fill:
        cost = price * amount
        buyer, seller = (taker, maker) if taker.side == "buy" else (maker, taker)
        buyer_rate, seller_rate = (
            (self.taker_fee_rate, self.maker_fee_rate)
            if taker is buyer
            else (self.maker_fee_rate, self.taker_fee_rate)
        )
        buyer_fee, seller_fee = amount * buyer_rate, cost * seller_rate
        held = buyer.price * amount if buyer.price is not None else cost
        held = min(held, buyer.reserved)
        self.ledger.settle_reserved(buyer.account_id, self.quote, cost)
        if held > cost:
            self.ledger.release(buyer.account_id, self.quote, held - cost)
        buyer.reserved -= held
        self.ledger.settle_reserved(seller.account_id, self.base, amount)
        seller.reserved -= amount
        self.ledger.credit(buyer.account_id, self.base, amount - buyer_fee)
        self.ledger.credit(seller.account_id, self.quote, cost - seller_fee)
        now = self.clock.now()
        fill = Fill(
            id=self.ids.next_str("trade"),
            symbol=self.symbol,
            price=price,
            amount=amount,
            maker_order_id=maker.id,
            taker_order_id=taker.id,
            maker_account_id=maker.account_id,
            taker_account_id=taker.account_id,
            taker_side=taker.side,
            time=now,
            maker_fee=buyer_fee if maker is buyer else seller_fee,
            taker_fee=buyer_fee if taker is buyer else seller_fee,
        )
        for order, fee in ((buyer, buyer_fee), (seller, seller_fee)):
            order.filled += amount
            order.cost += cost
            order.fee += fee
            order.fills.append(fill)
            order.updated_at = now
        if maker.remaining <= 0:
            maker.status = "filled"
            self._release_rest(maker)
        self.record_trade(fill)
        for listener in list(self._fill_listeners):
            listener(fill)
        self._emit_order(maker)
        return fill

    def _release_rest(self, order: SimOrder) -> None:
        if order.reserved > 0:
            asset = self.quote if order.side == "buy" else self.base
            self.ledger.release(order.account_id, asset, order.reserved)
            order.reserved = ZERO

    def _emit_order(self, order: SimOrder) -> None:
        for listener in list(self._order_listeners):
            listener(order)


def _crossed(order: SimOrder, price: Decimal) -> bool:
    assert order.stop_price is not None
    return price >= order.stop_price if order.trigger_above else price <= order.stop_price


def _aggregate(orders: list[SimOrder], limit: int | None) -> list[tuple[Decimal, Decimal]]:
    levels: list[tuple[Decimal, Decimal]] = []
    for order in orders:
        assert order.price is not None
        if levels and levels[-1][0] == order.price:
            levels[-1] = (order.price, levels[-1][1] + order.remaining)
        elif limit is not None and len(levels) >= limit:
            break
        else:
            levels.append((order.price, order.remaining))
    return levels
