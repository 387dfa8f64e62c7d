"""The raw shapes of Iqfinex answers, validated at the boundary (a wrong shape becomes BadResponse).

Numbers arrive as Decimal (the transport parses JSON floats so) or as strings: the document types some
money fields as "string". Times are UTC seconds, as numbers or strings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

T = TypeVar("T")


class _Raw(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class Envelope(_Raw):
    status: int
    data: Any = None


class ErrorBody(_Raw):
    """The document only says a 400 "returns JSON with the error message"; any of these may hold it."""

    status: int | None = None
    message: str | None = None
    error: str | None = None
    data: Any = None

    def text(self) -> str:
        for candidate in (self.message, self.error, self.data):
            if isinstance(candidate, str) and candidate:
                return candidate
        return ""


class Page(_Raw, Generic[T]):
    count: int | None = None
    rows: list[T] = Field(default_factory=list)


class Rows(_Raw, Generic[T]):
    """A {count, rows} page with its rows present: told apart from an object keyed by id."""

    count: int | None = None
    rows: list[T]


def listing(item: type[T]) -> Any:
    """The shapes a list may take where the document shows none: a plain list, an object keyed by id, or
    the {count, rows} page its other lists come in."""
    return list[item] | Rows[item] | dict[str, item]  # type: ignore[valid-type]


def listed(raw: list[T] | Rows[T] | dict[str, T]) -> list[tuple[str | None, T]]:
    """(key, row) pairs of any ``listing`` shape; the key is None where the shape has none."""
    if isinstance(raw, dict):
        return list(raw.items())
    return [(None, row) for row in (raw.rows if isinstance(raw, Rows) else raw)]


class RawCurrency(_Raw):
    name: str
    alias: str = ""
    commission: Decimal | None = None
    type: str = ""
    confirmations: int | None = None
    min_withdrawal: Decimal | None = None
    min_deposit: Decimal | None = None
    is_deposit: bool = Field(True, alias="isDeposit")
    is_withdrawal: bool = Field(True, alias="isWithdrawal")


class RawAsset(_Raw):
    pair: str
    right: str
    left: str
    accuracy: int | None = None
    min_volume: Decimal | None = None
    is_trade: bool = Field(True, alias="isTrade")


class RawTicker(_Raw):
    asset: str | None = None  # present when /tickers answers a list instead of an object keyed by asset
    bid: Decimal | None = None
    ask: Decimal | None = None
    bid_vol: Decimal | None = None
    ask_vol: Decimal | None = None
    buy_size: Decimal | None = None
    sell_size: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    last: Decimal | None = None
    volume24: Decimal | None = None
    percent_change: Decimal | None = Field(None, alias="percentChange")
    timestamp: int | None = None


class RawOrderBook(_Raw):
    """Price -> [volume, number of aggregated orders]; an empty side may come as ``[]``."""

    buy: dict[Decimal, tuple[Decimal, int]] = Field(default_factory=dict)
    sell: dict[Decimal, tuple[Decimal, int]] = Field(default_factory=dict)

    @field_validator("buy", "sell", mode="before")
    @classmethod
    def _empty_list_is_empty_side(cls, value: Any) -> Any:
        return {} if value == [] else value


class RawPublicTrade(_Raw):
    id: int
    type: Literal["buy", "sell"] | None = None
    volume: Decimal
    price: Decimal
    close_time: int
    asset: str | None = None


# [open, high, low, close, volume] for the active candle, [..., close_time] for closed ones
RawCandle = (
    tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    | tuple[Decimal, Decimal, Decimal, Decimal, Decimal, int]
)


class RawAccountInfo(_Raw):
    id: int | None = None
    email: str | None = None
    role: int | None = None
    keylabel: str | None = None
    is_trade: bool = Field(alias="isTrade")
    is_withdrawal: bool = Field(alias="isWithdrawal")
    whitelist: str | None = None


class RawBalance(_Raw):
    balance: Decimal
    free_balance: Decimal


class RawOrder(_Raw):
    id: int
    asset: str
    cmd: Literal["buy", "sell"]
    type: Literal["LIMIT", "MARKET", "STOP_LIMIT"]
    status: str
    volume: Decimal | None = None  # what is still active
    price: Decimal | None = None
    stop_price: Decimal | None = Field(None, alias="stopPrice")
    original_volume: Decimal | None = None
    executed_volume: Decimal = Decimal(0)
    open_time: int | None = None
    close_time: int | None = None

    @field_validator("cmd", "status", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("type", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class RawTrade(_Raw):
    id: int
    order_id: int | None = None
    asset: str
    cmd: Literal["buy", "sell"]
    price: Decimal
    volume: Decimal
    commission: Decimal | None = None
    commission_currency: str | None = Field(None, alias="commissionCurrency")
    open_time: int | None = None
    close_time: int | None = None

    @field_validator("cmd", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value
