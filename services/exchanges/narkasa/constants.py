"""Narkasa's wire facts as data: URLs, paths, rate limits, code and state maps."""

from __future__ import annotations

from typing import Final

from .. import errors
from ..models import OrderSide, OrderStatus, OrderType, TransferStatus
from ..ratelimit import RateLimit

EXCHANGE: Final = "narkasa"
DISPLAY_NAME: Final = "Narkasa"
BASE_URL: Final = "https://api.narkasa.com"
WS_URL: Final = "wss://api.narkasa.com/v3"
WS_PATH: Final = "/v3"
API_PREFIX: Final = "/v3/api/"

API_KEY_HEADER: Final = "X-APNK-APIKEY"
DEFAULT_WINDOW_MS: Final = 10_000  # the server's windowSize when none is sent
SUCCESS: Final = "00000"

# public
PING = "ping"
TIME = "time"
MARKETS = "market/markets"
TICKER_24H = "market/24h"
INFO = "market/info"
CANDLES = "market/candles"
ORDERBOOK = "market/orderbook"
DEPTH = "market/depth"
TRADES = "market/trades"
# signed: trading
LIMIT_BUY = "market/limit-buy"
LIMIT_SELL = "market/limit-sell"
MARKET_BUY = "market/market-buy"
MARKET_SELL = "market/market-sell"
STOP_LIMIT_BUY = "market/stop-limit-buy"
STOP_LIMIT_SELL = "market/stop-limit-sell"
FAST_BUY = "market/fast-buy"
FAST_SELL = "market/fast-sell"
USER_ORDERS = "market/user-orders"
CANCEL_ORDER = "market/cancel-order"
USER_TRADES = "market/user-trades"
# signed: balances
WALLET = "balance/wallet"
CURRENCIES = "balance/currencies"
WITHDRAW_INFO = "balance/withdraw"
CREATE_WITHDRAW = "balance/create-withdraw"
WITHDRAW_HISTORY = "balance/withdraw-history"
DEPOSIT_INFO = "balance/deposit"
DEPOSIT_HISTORY = "balance/deposit-history"

ORDER_PATHS: Final[dict[tuple[OrderType, OrderSide], str]] = {
    (OrderType.LIMIT, OrderSide.BUY): LIMIT_BUY,
    (OrderType.LIMIT, OrderSide.SELL): LIMIT_SELL,
    (OrderType.MARKET, OrderSide.BUY): MARKET_BUY,
    (OrderType.MARKET, OrderSide.SELL): MARKET_SELL,
    (OrderType.STOP_LIMIT, OrderSide.BUY): STOP_LIMIT_BUY,
    (OrderType.STOP_LIMIT, OrderSide.SELL): STOP_LIMIT_SELL,
}
FAST_PATHS: Final[dict[OrderSide, str]] = {OrderSide.BUY: FAST_BUY, OrderSide.SELL: FAST_SELL}

# The document's "Limits" section is empty: SERVER_LIMITS is the conservative budget we assume (and the
# simulator enforces); the client spreads the same counts over a longer period, so that requests counted
# when they leave still fit the server's window when network delays bunch them up on arrival.
PUBLIC_BUCKET = "public"
PRIVATE_BUCKET = "private"
ORDER_BUCKET = "order"
SERVER_LIMITS: Final = (
    RateLimit(PUBLIC_BUCKET, 10, 1.0),
    RateLimit(PRIVATE_BUCKET, 10, 1.0),
    RateLimit(ORDER_BUCKET, 5, 1.0),
)
ARRIVAL_MARGIN: Final = 1.25
RATE_LIMITS: Final = tuple(RateLimit(x.key, x.limit, x.period * ARRIVAL_MARGIN) for x in SERVER_LIMITS)

# chart intervals: framework notation -> Narkasa's (m1 m3 m5 m15 m30 h1 h2 h4 d1; no week)
INTERVALS: Final[dict[str, str]] = {
    "1m": "m1",
    "5m": "m5",
    "15m": "m15",
    "30m": "m30",
    "1h": "h1",
    "4h": "h4",
    "1d": "d1",
}
NATIVE_INTERVALS: Final = ("m1", "m3", "m5", "m15", "m30", "h1", "h2", "h4", "d1")
INTERVAL_MS: Final[dict[str, int]] = {
    "m1": 60_000,
    "m3": 180_000,
    "m5": 300_000,
    "m15": 900_000,
    "m30": 1_800_000,
    "h1": 3_600_000,
    "h2": 7_200_000,
    "h4": 14_400_000,
    "d1": 86_400_000,
}

# orders: REST answers words, user-orders and the websocket answer integers
SIDE_WORDS: Final[dict[str, OrderSide]] = {"BUY": OrderSide.BUY, "SELL": OrderSide.SELL}
SIDE_CODES: Final[dict[int, OrderSide]] = {0: OrderSide.BUY, 1: OrderSide.SELL}
FAST = "FAST"
TYPE_WORDS: Final[dict[str, OrderType]] = {
    "LIMIT": OrderType.LIMIT,
    "MARKET": OrderType.MARKET,
    "STOP LIMIT": OrderType.STOP_LIMIT,
    FAST: OrderType.MARKET,  # a market order sized by what it spends
}
TYPE_CODES: Final[dict[int, str]] = {0: "LIMIT", 1: "MARKET", 2: "STOP LIMIT", 3: FAST}
STATUS_WORDS: Final[dict[str, OrderStatus]] = {
    "NEW": OrderStatus.OPEN,
    "PARTIALLY_FILLED": OrderStatus.OPEN,
    "FILLED": OrderStatus.CLOSED,
    "CANCELLED": OrderStatus.CANCELED,
    "CANCELLED_ALL": OrderStatus.CANCELED,
}
FINAL_STATUSES: Final = frozenset({"FILLED", "CANCELLED", "CANCELLED_ALL"})
STOP_TYPE_CODES: Final[dict[int, str]] = {0: "LESS", 1: "GREATER"}

# transfers: state number -> (the document's word, unified status)
WITHDRAW_STATES: Final[dict[int, tuple[str, TransferStatus]]] = {
    11: ("Pending", TransferStatus.PENDING),
    13: ("Resuming", TransferStatus.PENDING),
    14: ("Completed", TransferStatus.OK),
    21: ("Pending", TransferStatus.PENDING),
    22: ("Validating", TransferStatus.PENDING),
    23: ("Resuming", TransferStatus.PENDING),
    24: ("Completed", TransferStatus.OK),
    98: ("Rejected", TransferStatus.FAILED),
    99: ("Cancelled", TransferStatus.CANCELED),
}
DEPOSIT_STATES: Final[dict[int, tuple[str, TransferStatus]]] = {
    11: ("Pending", TransferStatus.PENDING),
    12: ("Validating", TransferStatus.PENDING),
    13: ("Resuming", TransferStatus.PENDING),
    14: ("Completed", TransferStatus.OK),
}

# every code in the document's "Error Codes" table (plus 10027 and 10075 from their endpoints)
ERROR_CODES: Final[dict[str, tuple[type[errors.ExchangeError], str]]] = {
    "10010": (errors.AuthenticationError, "Account not registered"),
    "10026": (errors.PermissionDenied, "Identity verification required"),
    "10027": (errors.PermissionDenied, "Deposit disabled"),
    "10028": (errors.PermissionDenied, "Withdraw disabled"),
    "10029": (errors.InvalidRequest, "Invalid withdraw channel"),
    "10030": (errors.InvalidRequest, "Amount is lower than minimum withdraw limit"),
    "10031": (errors.InsufficientFunds, "Insufficient balance"),
    "10035": (errors.PermissionDenied, "Channel monthly limit exceeded"),
    "10037": (errors.UnknownPair, "Invalid symbol"),
    "10038": (errors.InvalidOrder, "Market disabled"),
    "10039": (errors.MinimumNotMet, "Order total is under limit"),
    "10040": (errors.MinimumNotMet, "Order amount is under limit"),
    "10041": (errors.InvalidOrder, "Wash trading cancelled"),
    "10042": (errors.InvalidOrder, "Market order not available"),
    "10051": (errors.PermissionDenied, "Requested action is not available for your country"),
    "10054": (errors.PermissionDenied, "Step-1 verified user monthly withdraw limit exceeded"),
    "10055": (errors.PermissionDenied, "Step-2 verified user monthly withdraw limit exceeded"),
    "10060": (errors.InvalidOrder, "Fast order not available"),
    "10061": (errors.InvalidOrder, "Sell Price is not higher than %250"),
    "10062": (errors.InvalidOrder, "Buy Price is not lower than %40"),
    "10063": (errors.InvalidRequest, "Withdraw address is not valid"),
    "10064": (errors.InvalidRequest, "Extra parameter is not valid(Tag, Memo etc...)"),
    "10075": (errors.OrderNotFound, "Order not found"),
    "20000": (errors.AuthenticationError, "Authorization required"),
    "20001": (errors.AuthenticationError, "Invalid API key or secret"),
    "20002": (errors.PermissionDenied, "Unauthorized IP"),
    "20003": (errors.AuthenticationError, "Timestamp parameter is missing"),
    "20004": (errors.InvalidNonce, "Timestamp difference limit exceeded"),
    "20005": (errors.InvalidRequest, "Missing parameters"),
    "20006": (errors.UnknownPair, "Invalid Symbol"),
    "20007": (errors.InvalidOrder, "Price must be float and higher than 0"),
    "20008": (errors.InvalidOrder, "Target must be float and higher than 0"),
    "20009": (errors.InvalidOrder, "Amount must be float and higher than 0"),
    "20010": (errors.InvalidRequest, "Address can not be empty"),
    "20011": (errors.PermissionDenied, "API is not allowed to this action"),
    "20012": (errors.InvalidOrder, "Total must be float and higher than 0"),
    "90000": (errors.ExchangeUnavailable, "Unexpected Error"),
    "90001": (errors.InvalidRequest, "Invalid Request"),
}

# websocket
WS_MARKET_STREAMS: Final = ("allTickers", "ticker", "candles", "orderBook", "depth", "trade")
WS_USER_EVENTS: Final = ("balanceUpdate", "reservedUpdate", "orderUpdate")
WS_PING: Final = {"data": "ping"}
WS_PONG: Final = {"data": "pong"}
