"""The records a matching book keeps: orders and the fills between them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

ZERO = Decimal(0)

Side = Literal["buy", "sell"]
OrderType = Literal["limit", "market", "stop_limit"]
OrderStatus = Literal["open", "filled", "cancelled", "pending_stop"]


class OrderNotFound(KeyError):
    """No order with this id on this book."""


class OrderNotOpen(Exception):
    """The order is already filled or cancelled."""

    def __init__(self, order: SimOrder) -> None:
        super().__init__(f"order {order.id} is {order.status}")
        self.order = order


class InvalidSimOrder(ValueError):
    """The order cannot be placed as given (bad side/type, missing price, non-positive amount)."""


@dataclass(frozen=True)
class Fill:
    """One trade between a resting (maker) and an incoming (taker) order, at the maker's price."""

    id: str
    symbol: str
    price: Decimal
    amount: Decimal
    maker_order_id: str
    taker_order_id: str
    maker_account_id: str
    taker_account_id: str
    taker_side: Side
    time: float
    maker_fee: Decimal = ZERO
    taker_fee: Decimal = ZERO

    @property
    def cost(self) -> Decimal:
        return self.price * self.amount

    @property
    def maker_side(self) -> Side:
        return "sell" if self.taker_side == "buy" else "buy"

    def side_of(self, order_id: str) -> Side:
        """The side the given order (maker or taker of this fill) traded on."""
        return self.taker_side if order_id == self.taker_order_id else self.maker_side

    def fee_of(self, order_id: str) -> Decimal:
        """Fee charged to that order for this fill: in base for a buyer, in quote for a seller."""
        return self.taker_fee if order_id == self.taker_order_id else self.maker_fee

    def is_maker(self, order_id: str) -> bool:
        return order_id == self.maker_order_id


@dataclass
class SimOrder:
    """An order as the exchange keeps it. ``amount`` is in base currency.

    A market buy may instead be sized in quote (``quote_amount``); its ``amount`` becomes what it bought.
    ``reserved`` is what the ledger still holds for the order (quote for a buy, base for a sell).
    """

    account_id: str
    symbol: str
    side: Side
    type: OrderType
    amount: Decimal = ZERO
    price: Decimal | None = None
    stop_price: Decimal | None = None
    quote_amount: Decimal | None = None
    client_order_id: str | None = None
    id: str = ""
    filled: Decimal = ZERO
    cost: Decimal = ZERO
    fee: Decimal = ZERO
    fee_asset: str = ""
    status: OrderStatus = "open"
    created_at: float = 0.0
    updated_at: float = 0.0
    fills: list[Fill] = field(default_factory=list)
    reserved: Decimal = ZERO
    trigger_above: bool = True
    seq: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.filled

    @property
    def average_price(self) -> Decimal | None:
        return self.cost / self.filled if self.filled else None

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "pending_stop")

    @property
    def is_quote_sized(self) -> bool:
        return self.type == "market" and self.side == "buy" and self.quote_amount is not None
