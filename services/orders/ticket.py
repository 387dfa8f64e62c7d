"""An order as a member asked for it, checked against the market before anyone sees a Confirm button.

Amount and price are rounded down to the market's precision (the preview shows the rounded values);
limits, free balance and the distance from the market are checked here, so that nothing that would be
refused, or that looks like a typo, ever leaves the bot.

Where the exchange prices the order itself (IncoreX ``required_amount``: what buying an amount at the
market costs now, walking the book), its figure is the estimate; elsewhere the best price on the book.
The fee comes from the market's fee table: no exchange here states a trading fee per order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from services.actions.records import wire_text
from services.exchanges.capabilities import Capability
from services.exchanges.models import Balances, Market, OrderSide, OrderType, Ticker


class OrderProblem(StrEnum):
    PAIR_INACTIVE = "pair_inactive"
    PRICE_MISSING = "price_missing"
    AMOUNT_TOO_SMALL = "amount_too_small"
    AMOUNT_TOO_LARGE = "amount_too_large"
    PRICE_TOO_LOW = "price_too_low"
    PRICE_TOO_HIGH = "price_too_high"
    TOTAL_TOO_SMALL = "total_too_small"
    NO_PRICE = "no_price"  # a market order with no quote to estimate it from
    INSUFFICIENT_FUNDS = "insufficient_funds"


class OrderRejected(ValueError):
    """Why an order is not previewed; ``limit`` and ``asset`` fill in the member's message."""

    def __init__(self, problem: OrderProblem, *, limit: Decimal | None = None, asset: str = "") -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.limit = limit
        self.asset = asset


@dataclass(frozen=True, slots=True)
class OrderRequest:
    account: str
    pair: str  # as typed; the market's symbol after checking
    side: OrderSide
    amount: Decimal
    price: Decimal | None = None  # None: a market order
    stop_price: Decimal | None = None  # with a price: stop-limit

    @property
    def type(self) -> OrderType:
        if self.price is None:
            return OrderType.MARKET
        return OrderType.LIMIT if self.stop_price is None else OrderType.STOP_LIMIT


@dataclass(frozen=True, slots=True)
class ExchangeQuote:
    """What the exchange says buying ``amount`` at the market costs now (in the quote)."""

    amount: Decimal
    total: Decimal
    average_price: Decimal


@dataclass(frozen=True, slots=True)
class OrderPreview:
    account: str
    market: Market
    side: OrderSide
    type: OrderType
    amount: Decimal  # rounded down to the market's precision
    price: Decimal | None
    stop_price: Decimal | None
    estimated_price: Decimal  # the price itself, or the market's best price for a market order
    total: Decimal  # in the quote
    fee: Decimal  # estimated, in the asset it is charged in (quote for a buy, here: quote always)
    quoted: bool = False  # the total is the exchange's own figure (IncoreX required_amount)
    fee_known: bool = True  # False: the exchange states no fee rate for the market (``fee`` is then 0)
    balances_after: dict[str, Decimal] = field(default_factory=dict)  # free balance, base and quote
    distance: Decimal | None = None  # fraction from the market's mid; None without a quote
    needs_guard: bool = False  # far from the market: a second confirmation is needed

    def params(self) -> dict[str, str]:
        """The exact parameters the member confirms; what is sent, and what the token is bound to."""
        values = {
            "pair": self.market.symbol,
            "side": self.side.value,
            "type": self.type.value,
            "amount": wire_text(self.amount),
        }
        if self.price is not None:
            values["price"] = wire_text(self.price)
        if self.stop_price is not None:
            values["stop_price"] = wire_text(self.stop_price)
        return values


_NEEDS: dict[OrderType, Capability] = {
    OrderType.LIMIT: Capability.CREATE_LIMIT_ORDER,
    OrderType.MARKET: Capability.CREATE_MARKET_ORDER,
    OrderType.STOP_LIMIT: Capability.CREATE_STOP_LIMIT_ORDER,
}


def needed_capability(order_type: OrderType) -> Capability:
    return _NEEDS[order_type]


def round_down(value: Decimal, places: int | None) -> Decimal:
    if places is None:
        return value
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def _mid(ticker: Ticker | None) -> Decimal | None:
    if ticker is None:
        return None
    if ticker.bid and ticker.ask:
        return (ticker.bid + ticker.ask) / 2
    return ticker.last or None


def check_order(
    request: OrderRequest,
    market: Market,
    ticker: Ticker | None,
    balances: Balances,
    *,
    price_guard: Decimal,
    exchange_quote: ExchangeQuote | None = None,
) -> OrderPreview:
    """The preview of a valid order, or OrderRejected with the first problem a member must fix.
    ``exchange_quote``: the exchange's own pricing of a market buy of the rounded amount, where it has one."""
    if not market.active:
        raise OrderRejected(OrderProblem.PAIR_INACTIVE)
    if request.stop_price is not None and request.price is None:
        raise OrderRejected(OrderProblem.PRICE_MISSING)
    amount = round_down(request.amount, market.precision.amount)
    price = None if request.price is None else round_down(request.price, market.precision.price)
    stop = None if request.stop_price is None else round_down(request.stop_price, market.precision.price)
    _within(amount, market.limits.amount.min, market.limits.amount.max, market.base, amount=True)
    for value in (price, stop):
        if value is not None:
            _within(value, market.limits.price.min, market.limits.price.max, market.quote, amount=False)

    best = None
    if ticker is not None:
        best = ticker.ask if request.side is OrderSide.BUY else ticker.bid
        best = best or ticker.last
    # only for what is previewed: a market order of exactly the rounded amount
    said = exchange_quote if exchange_quote is not None and price is None else None
    said = said if said is not None and said.amount == amount else None
    estimated = price if price is not None else (said.average_price if said is not None else best)
    if estimated is None:
        raise OrderRejected(OrderProblem.NO_PRICE)
    total = said.total if said is not None else amount * estimated
    if market.limits.cost.min is not None and total < market.limits.cost.min:
        raise OrderRejected(OrderProblem.TOTAL_TOO_SMALL, limit=market.limits.cost.min, asset=market.quote)
    fee_rate = (market.taker_fee if price is None else market.maker_fee) or market.taker_fee or Decimal(0)
    fee = total * fee_rate

    base, quote = balances.get(market.base).free, balances.get(market.quote).free
    if request.side is OrderSide.BUY:
        spend, asset, have = total + fee, market.quote, quote
        after = {market.base: base + amount, market.quote: quote - spend}
    else:
        spend, asset, have = amount, market.base, base
        after = {market.base: base - amount, market.quote: quote + total - fee}
    if spend > have:
        raise OrderRejected(OrderProblem.INSUFFICIENT_FUNDS, limit=have, asset=asset)

    mid = _mid(ticker)
    distance = None if mid is None or price is None else abs(price - mid) / mid
    return OrderPreview(
        account=request.account,
        market=market,
        side=request.side,
        type=request.type,
        amount=amount,
        price=price,
        stop_price=stop,
        estimated_price=estimated,
        total=total,
        fee=fee,
        quoted=said is not None,
        fee_known=market.taker_fee is not None or market.maker_fee is not None,
        balances_after=after,
        distance=distance,
        needs_guard=distance is not None and distance > price_guard,
    )


def _within(value: Decimal, low: Decimal | None, high: Decimal | None, asset: str, *, amount: bool) -> None:
    if value <= 0 or (low is not None and value < low):
        problem = OrderProblem.AMOUNT_TOO_SMALL if amount else OrderProblem.PRICE_TOO_LOW
        raise OrderRejected(problem, limit=low, asset=asset)
    if high is not None and value > high:
        problem = OrderProblem.AMOUNT_TOO_LARGE if amount else OrderProblem.PRICE_TOO_HIGH
        raise OrderRejected(problem, limit=high, asset=asset)
