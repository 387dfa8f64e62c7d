"""Pydantic models of Narkasa's raw response shapes, validated at the boundary.

Numbers arrive as JSON numbers (parsed as Decimal); codes arrive as ``"00000"`` or as integers.
Order sides and types come as words from the order endpoints and as integers from user-orders,
user-trades and the websocket: both are accepted and kept in the word form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .constants import SIDE_CODES, TYPE_CODES


def _code(value: Any) -> str:
    return str(value).zfill(5)


def _side_word(value: Any) -> Any:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return SIDE_CODES[int(value)].value.upper()
    return value


def _type_word(value: Any) -> Any:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return TYPE_CODES[int(value)]
    return value


def _flag(value: Any) -> Any:
    return value.lower() == "true" if isinstance(value, str) else value


Code = Annotated[str, BeforeValidator(_code)]
SideWord = Annotated[str, BeforeValidator(_side_word)]
TypeWord = Annotated[str, BeforeValidator(_type_word)]
Flag = Annotated[bool, BeforeValidator(_flag)]


class Raw(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Envelope(Raw):
    code: Code
    msg: str | None = None


class DataReply(Envelope):
    data: Any = None


class RawTicker(Raw):
    symbol: str
    name: str | None = None
    firstSymbol: str | None = None
    secondSymbol: str | None = None
    changeAmount: Decimal | None = None
    changePercent: Decimal | None = None
    last: Decimal | None = None
    firstBid: Decimal | None = None
    firstAsk: Decimal | None = None
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    avg: Decimal | None = None
    volume: Decimal | None = None
    volumeQty: Decimal | None = None
    openTime: int | None = None
    tradeCount: int | None = None


class MarketsReply(Envelope):
    markets: list[RawTicker]


class TickerReply(Envelope):
    market: RawTicker


class RawPrecision(Raw):
    price: int | None = None
    amount: int | None = None
    total: int | None = None


class RawInfo(Raw):
    symbol: str
    firstSymbol: str
    secondSymbol: str
    minTradeTotal: Decimal | None = None
    minAmount: Decimal | None = None
    commission: Decimal | None = None
    enable: Flag = True
    cancelEnable: Flag = True
    orderEnable: Flag = True
    commissionTaker: Decimal | None = None
    commissionMaker: Decimal | None = None
    commissionPercentage: Flag = True
    precision: RawPrecision = RawPrecision()


class InfoReply(Envelope):
    info: RawInfo


class RawCandle(Raw):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    open: Decimal
    low: Decimal
    high: Decimal
    close: Decimal
    volume: Decimal
    openTime: int
    closeTime: int | None = Field(default=None, alias="closetime")


class CandlesReply(Envelope):
    candles: list[RawCandle]


class RawLevel(Raw):
    price: Decimal
    amount: Decimal
    count: int | None = None


class RawBook(Raw):
    bids: list[RawLevel] = Field(default_factory=list)
    asks: list[RawLevel] = Field(default_factory=list)


class BookReply(Envelope):
    book: RawBook


class RawPublicTrade(Raw):
    price: Decimal
    amount: Decimal
    time: int
    type: int  # 0: buyer is maker, 1: buyer is taker


class TradesReply(Envelope):
    trades: list[RawPublicTrade]


class RawOrder(Raw):
    """One order as the order endpoints, user-orders and the websocket describe it."""

    status: str | None = None  # user-orders lists open orders without a status
    orderId: str | None = None  # market and fast orders are answered without one
    market: str
    orderType: TypeWord
    side: SideWord
    price: Decimal | None = None
    amount: Decimal | None = None
    filledAmount: Decimal | None = None
    total: Decimal | None = None
    filledTotal: Decimal | None = None
    target: Decimal | None = None
    targetPrice: Decimal | None = None
    stopType: str | int | None = None
    time: int | None = None


class OrderReply(Envelope):
    order: RawOrder


class OrdersReply(Envelope):
    orders: list[RawOrder]


class RawUserTrade(Raw):
    symbol: str
    price: Decimal
    amount: Decimal
    side: SideWord
    orderType: TypeWord | None = None
    commission: Decimal | None = None
    commissionSymbol: str | None = None
    time: int


class UserTradesReply(Envelope):
    trades: list[RawUserTrade]


class RawWalletEntry(Raw):
    symbol: str
    total: Decimal | None = None
    available: Decimal = Decimal(0)
    reserved: Decimal = Decimal(0)


class WalletReply(Envelope):
    wallet: list[RawWalletEntry]


class RawCurrency(Raw):
    id: str
    symbol: str
    name: str


class CurrenciesReply(Envelope):
    currencies: list[RawCurrency]


class RawSavedAddress(Raw):
    id: str
    name: str
    address: str


class RawWithdrawChannel(Raw):
    name: str
    enable: bool
    commission: Decimal | None = None
    addressList: list[RawSavedAddress] = Field(default_factory=list)


class RawWithdrawCurrency(Raw):
    id: str
    symbol: str
    name: str
    enable: bool
    minimumWithdrawAmount: Decimal | None = None
    maxLength: int | None = None
    channels: list[RawWithdrawChannel]


class WithdrawInfoReply(Envelope):
    currency: RawWithdrawCurrency


class RawDepositChannel(Raw):
    name: str
    address: str
    enable: bool


class RawDepositCurrency(Raw):
    id: str
    symbol: str
    name: str
    enable: bool
    minimumDepositAmount: Decimal | None = None
    maxLength: int | None = None
    channels: list[RawDepositChannel]


class DepositInfoReply(Envelope):
    currency: RawDepositCurrency


class RawTransfer(Raw):
    id: str
    symbol: str
    maxLength: int | None = None
    totalConfirmation: int | None = None
    activeConfirmation: int | None = None
    amount: Decimal
    time: int
    state: int
    real: bool | None = None
    information: str | None = None
    txid: str | None = None
    explorer: str | None = None


class HistoryReply(Envelope):
    history: list[RawTransfer]


# -- websocket data messages


class RawTop(Raw):
    bidPrice: Decimal | None = None
    bidAmount: Decimal | None = None
    askPrice: Decimal | None = None
    askAmount: Decimal | None = None


class RawKline(Raw):
    interval: str
    kline: RawCandle


class RawDepthUpdate(Raw):
    depth: RawBook


class RawTradeUpdate(Raw):
    amount: Decimal
    price: Decimal
    tradeType: int
    time: int


class RawOrderUpdate(Raw):
    order: RawOrder


class RawBalanceUpdate(Raw):
    symbol: str
    available: Decimal


class RawReservedUpdate(Raw):
    symbol: str
    reserved: Decimal
