"""Pydantic models of IncoreX's raw answers, validated at the boundary (a wrong shape is BadResponse)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, RootModel


def _none_as_empty_list(value: Any) -> Any:
    # the server's JSON encoder writes an empty object as []: where an object is documented, [] is "none"
    return {} if value == [] else value


K = TypeVar("K")
V = TypeVar("V")
#: an object keyed by pair, currency, ...; ``[]`` when there is none
Obj = Annotated[dict[K, V], BeforeValidator(_none_as_empty_list)]


class _Raw(BaseModel):
    # the exchange may add fields; only the documented ones are read
    model_config = ConfigDict(extra="ignore", frozen=True)


class RawTrade(_Raw):
    trade_id: int
    type: int
    quantity: Decimal
    price: Decimal
    amount: Decimal
    date: int


class Trades(RootModel[Obj[str, list[RawTrade]]]):
    pass


class RawBook(_Raw):
    ask: list[tuple[Decimal, Decimal, Decimal]]
    bid: list[tuple[Decimal, Decimal, Decimal]]
    ask_quantity: Decimal
    ask_amount: Decimal
    ask_top: Decimal
    bid_quantity: Decimal
    bid_amount: Decimal
    bid_top: Decimal


class OrderBooks(RootModel[Obj[str, RawBook]]):
    pass


# name, highest bid, lowest ask (the document's example; its labels say the reverse), 24h change,
# 24h change %, last, 24h volume, 24h high, 24h low, updated
RawTicker = tuple[str, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, int]


class Tickers(RootModel[Obj[str, RawTicker]]):
    pass


class RawPairSettings(_Raw):
    min_quantity: Decimal
    max_quantity: Decimal
    min_price: Decimal
    max_price: Decimal
    min_amount: Decimal
    max_amount: Decimal


class PairSettings(RootModel[Obj[str, RawPairSettings]]):
    pass


class Currencies(RootModel[list[str]]):
    pass


class UserInfo(_Raw):
    uid: int
    server_time: int
    balances: Obj[str, Decimal]
    reserved: Obj[str, Decimal]


class Envelope(_Raw):
    """The answer of methods that report ``status`` ok/error with an ``id`` code and a ``msg``."""

    name: str = ""
    status: str | bool = "ok"
    id: int | str = 0
    msg: str = ""


class OrderCreated(Envelope):
    order_id: int


class RawOrder(_Raw):
    date: int
    order_id: int
    pair: str
    position: int
    type: str
    quantity: Decimal
    price: Decimal
    amount: Decimal


class OpenOrders(RootModel[Obj[str, list[RawOrder]]]):
    pass


class CancelledOrders(RootModel[list[RawOrder]]):
    pass


class RawUserTrade(_Raw):
    trade_id: int
    date: int
    type: int
    pair: str
    order_id: int
    quantity: Decimal
    price: Decimal
    amount: Decimal


class UserTrades(RootModel[Obj[str, list[RawUserTrade]]]):
    pass


class RawOrderTrades(_Raw):
    position: int
    type: str
    in_currency: str
    in_amount: Decimal
    out_currency: str
    out_amount: Decimal
    percent_succesfull: Decimal  # sic: the document's spelling
    trades: list[RawUserTrade]


class RawRequiredAmount(_Raw):
    quantity: Decimal
    amount: Decimal
    avg_price: Decimal


class DepositAddresses(RootModel[Obj[str, str]]):
    pass


class WithdrawCreated(Envelope):
    task_id: int | str


class WithdrawTxid(Envelope):
    txid: str | None = None


class RawWalletEntry(_Raw):
    date: int
    currency: str
    type: str
    amount: Decimal
    fee: Decimal
    paysystem: str = ""
    account: str = ""
    txid: str = ""
    status: str


class WalletHistory(Envelope):
    begin: int
    end: int
    history: list[RawWalletEntry]


Shape = TypeVar("Shape", bound=BaseModel)
