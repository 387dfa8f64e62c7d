"""IncoreX wire facts as data, shared by the client and the simulator."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from services.exchanges import errors
from services.exchanges.models import OrderSide, OrderType, TransferStatus
from services.exchanges.ratelimit import RateLimit

EXCHANGE = "incorex"
DEFAULT_BASE_URL = "https://api.incorex.com"
API_PREFIX = "/v1/"

# public methods (GET or POST, no authorization)
TRADES = "trades"
ORDER_BOOK = "order_book"
TICKER = "ticker"
PAIR_SETTINGS = "pair_settings"
CURRENCY = "currency"
PUBLIC_METHODS = frozenset({TRADES, ORDER_BOOK, TICKER, PAIR_SETTINGS, CURRENCY})

# authenticated methods (POST, Key + Sign headers, nonce in the body)
USER_INFO = "user_info"
ORDER_CREATE = "order_create"
ORDER_CANCEL = "order_cancel"
USER_OPEN_ORDERS = "user_open_orders"
USER_TRADES = "user_trades"
USER_CANCELLED_ORDERS = "user_cancelled_orders"
ORDER_TRADES = "order_trades"
REQUIRED_AMOUNT = "required_amount"
DEPOSIT_ADDRESS = "deposit_address"
WITHDRAW_CRYPT = "withdraw_crypt"
WITHDRAW_GET_TXID = "withdraw_get_txid"
# wallet API (activated by technical support, its own tighter limit)
WALLET_HISTORY = "wallet_history"
WALLET_METHODS = frozenset({WALLET_HISTORY})
PRIVATE_METHODS = frozenset(
    {
        USER_INFO,
        ORDER_CREATE,
        ORDER_CANCEL,
        USER_OPEN_ORDERS,
        USER_TRADES,
        USER_CANCELLED_ORDERS,
        ORDER_TRADES,
        REQUIRED_AMOUNT,
        DEPOSIT_ADDRESS,
        WITHDRAW_CRYPT,
        WITHDRAW_GET_TXID,
    }
    | WALLET_METHODS
)

# "180 requests per minute from one IP address or from one user"; wallet API "10 requests per minute"
ALL_BUCKET = "all"
WALLET_BUCKET = "wallet"
REQUESTS_PER_MINUTE = 180
WALLET_REQUESTS_PER_MINUTE = 10
RATE_PERIOD = 60.0
# the bot is one IP address: every IncoreX account in it counts against one window
RATE_OWNER = "ip"
DOCUMENTED_RATE_LIMITS = (
    RateLimit(ALL_BUCKET, REQUESTS_PER_MINUTE, RATE_PERIOD),
    RateLimit(WALLET_BUCKET, WALLET_REQUESTS_PER_MINUTE, RATE_PERIOD),
)
# We count a request when it leaves, the server when it arrives: latency spikes and a stalled event loop
# delay arrivals, so a window measured on our side can reach the server later. The client's windows are
# stretched by this much so the server never sees more than the documented count.
RATE_MARGIN = 1.0


def client_limits(documented: Sequence[RateLimit], margin: float = RATE_MARGIN) -> tuple[RateLimit, ...]:
    return tuple(RateLimit(limit.key, limit.limit, limit.period + margin) for limit in documented)


RATE_LIMITS = client_limits(DOCUMENTED_RATE_LIMITS)


def buckets_for(method: str) -> tuple[str, ...]:
    return (ALL_BUCKET, WALLET_BUCKET) if method in WALLET_METHODS else (ALL_BUCKET,)


ORDER_BOOK_DEFAULT_LIMIT = 100
ORDER_BOOK_MAX_LIMIT = 1000
HISTORY_DEFAULT_LIMIT = 100
HISTORY_MAX_LIMIT = 10_000

# "position"/"type" of orders and trades on the wire: 0 is selling, 1 is buying
SIDE_BY_WIRE = {0: OrderSide.SELL, 1: OrderSide.BUY}
WIRE_BY_SIDE = {side: wire for wire, side in SIDE_BY_WIRE.items()}
# order_create takes the side as a word
POSITION_WORD = {OrderSide.BUY: "buy", OrderSide.SELL: "sell"}
ORDER_TYPE_BY_WIRE = {"limit": OrderType.LIMIT, "market": OrderType.MARKET, "stoplimit": OrderType.STOP_LIMIT}
WIRE_BY_ORDER_TYPE = {kind: wire for wire, kind in ORDER_TYPE_BY_WIRE.items()}

# wallet_history: the document shows "processing"; the other words are what the simulator and the
# operator's site use. Anything else stays pending with its raw word kept for display.
TRANSFER_STATUS = {
    "processing": TransferStatus.PENDING,
    "pending": TransferStatus.PENDING,
    "success": TransferStatus.OK,
    "completed": TransferStatus.OK,
    "cancelled": TransferStatus.CANCELED,
    "canceled": TransferStatus.CANCELED,
    "error": TransferStatus.FAILED,
    "failed": TransferStatus.FAILED,
}
DEPOSIT = "deposit"
WITHDRAWAL = "withdrawal"

# How many days fetch_deposits/fetch_withdrawals may walk back: one wallet_history call per day at
# 10 calls a minute, so a longer span would stall the caller for minutes.
MAX_HISTORY_DAYS = WALLET_REQUESTS_PER_MINUTE
# A look-back of N days touches N + 1 of the server's days: [exchanges] history_days may be at most this.
MAX_LOOKBACK_DAYS = MAX_HISTORY_DAYS - 1
# wallet_history's days are the server's (the document's example: begin 1528239600, end 1528325999)
SERVER_DAY = 86_400
# today's wallet history is reused this long: the watchers of one round share one request
TODAY_REUSE_S = 5.0


class ErrorCode(IntEnum):
    """Codes in the ``id`` field of ``{"status": "error", "id": ..., "msg": ...}``.

    The document shows only the envelope, not a catalogue: these are the platform's codes as the
    simulator answers them; the client also classifies unknown codes by the words of ``msg``.
    """

    WRONG_KEY = 40017
    WRONG_SIGN = 40005
    WRONG_NONCE = 40009
    RATE_LIMIT = 40034
    NO_METHOD = 40015
    MAINTENANCE = 40016
    ACCESS_DENIED = 40030
    WITHDRAW_BLOCKED = 40031
    BAD_PARAMETER = 40011
    UNKNOWN_PAIR = 50003
    INSUFFICIENT_FUNDS = 50052
    ORDER_NOT_FOUND = 50304
    QUANTITY_TOO_SMALL = 50277
    QUANTITY_TOO_LARGE = 50281
    PRICE_OUT_OF_RANGE = 50319
    AMOUNT_TOO_SMALL = 50054
    AMOUNT_TOO_LARGE = 50055
    NO_LIQUIDITY = 50173
    TASK_NOT_FOUND = 50305
    BAD_ADDRESS = 50306


ERROR_CLASSES: dict[int, type[errors.ExchangeError]] = {
    ErrorCode.WRONG_KEY: errors.AuthenticationError,
    ErrorCode.WRONG_SIGN: errors.AuthenticationError,
    ErrorCode.WRONG_NONCE: errors.InvalidNonce,
    ErrorCode.RATE_LIMIT: errors.RateLimited,
    ErrorCode.NO_METHOD: errors.NotSupported,
    ErrorCode.MAINTENANCE: errors.ExchangeUnavailable,
    ErrorCode.ACCESS_DENIED: errors.PermissionDenied,
    ErrorCode.WITHDRAW_BLOCKED: errors.PermissionDenied,
    ErrorCode.BAD_PARAMETER: errors.InvalidRequest,
    ErrorCode.UNKNOWN_PAIR: errors.UnknownPair,
    ErrorCode.INSUFFICIENT_FUNDS: errors.InsufficientFunds,
    ErrorCode.ORDER_NOT_FOUND: errors.OrderNotFound,
    ErrorCode.QUANTITY_TOO_SMALL: errors.MinimumNotMet,
    ErrorCode.QUANTITY_TOO_LARGE: errors.InvalidOrder,
    ErrorCode.PRICE_OUT_OF_RANGE: errors.InvalidOrder,
    ErrorCode.AMOUNT_TOO_SMALL: errors.MinimumNotMet,
    ErrorCode.AMOUNT_TOO_LARGE: errors.InvalidOrder,
    ErrorCode.NO_LIQUIDITY: errors.InvalidOrder,
    ErrorCode.TASK_NOT_FOUND: errors.InvalidRequest,
    ErrorCode.BAD_ADDRESS: errors.InvalidRequest,
}

# The texts the simulator answers with; "{...}" fields are filled in per answer.
ERROR_TEXTS: dict[int, str] = {
    ErrorCode.WRONG_KEY: "Wrong API Key",
    ErrorCode.WRONG_SIGN: "Authorization error, incorrect signature",
    ErrorCode.WRONG_NONCE: "The nonce parameter is less or equal than what was used before: {last}",
    ErrorCode.RATE_LIMIT: "Rate limit exceeded: {limit} requests per minute",
    ErrorCode.NO_METHOD: "API function does not exist",
    ErrorCode.MAINTENANCE: "Service temporarily unavailable, maintenance",
    ErrorCode.ACCESS_DENIED: "Access denied: method not activated for this key, contact technical support",
    ErrorCode.WITHDRAW_BLOCKED: "Withdrawals are blocked for 48 hours after API activation",
    ErrorCode.BAD_PARAMETER: "Invalid parameter: {name}",
    ErrorCode.UNKNOWN_PAIR: "Unknown currency pair: {pair}",
    ErrorCode.INSUFFICIENT_FUNDS: "Insufficient funds",
    ErrorCode.ORDER_NOT_FOUND: "Order was not found",
    ErrorCode.QUANTITY_TOO_SMALL: "Quantity is less than permissible minimum for this pair: {minimum}",
    ErrorCode.QUANTITY_TOO_LARGE: "Quantity is more than permissible maximum for this pair: {maximum}",
    ErrorCode.PRICE_OUT_OF_RANGE: "Price by order is outside the permissible range for this pair",
    ErrorCode.AMOUNT_TOO_SMALL: "Amount by order is less than permissible minimum for this pair: {minimum}",
    ErrorCode.AMOUNT_TOO_LARGE: "Amount by order is more than permissible maximum for this pair: {maximum}",
    ErrorCode.NO_LIQUIDITY: "Not enough orders in the book to execute the order",
    ErrorCode.TASK_NOT_FOUND: "Withdrawal request was not found",
    ErrorCode.BAD_ADDRESS: "Invalid withdrawal address",
}

# For codes not in the table: the words of ``msg`` decide, first match wins.
ERROR_WORDS: tuple[tuple[str, type[errors.ExchangeError]], ...] = (
    ("nonce", errors.InvalidNonce),
    ("signature", errors.AuthenticationError),
    ("api key", errors.AuthenticationError),
    ("authoriz", errors.AuthenticationError),
    ("rate limit", errors.RateLimited),
    ("too many", errors.RateLimited),
    ("insufficient", errors.InsufficientFunds),
    ("not enough funds", errors.InsufficientFunds),
    ("order was not found", errors.OrderNotFound),
    ("order not found", errors.OrderNotFound),
    ("less than permissible minimum", errors.MinimumNotMet),
    ("permissible", errors.InvalidOrder),
    ("currency pair", errors.UnknownPair),
    ("access denied", errors.PermissionDenied),
    ("blocked", errors.PermissionDenied),
    ("maintenance", errors.ExchangeUnavailable),
    ("function does not exist", errors.NotSupported),
    ("not enough orders", errors.InvalidOrder),
    ("invalid parameter", errors.InvalidRequest),
    ("request was not found", errors.InvalidRequest),
    ("address", errors.InvalidRequest),
)
