"""Indodax wire facts as data: paths, limits, state words and error codes (shared with the simulator)."""

from __future__ import annotations

from services.exchanges import errors
from services.exchanges.models import OrderStatus, TransferStatus
from services.exchanges.ratelimit import RateLimit

EXCHANGE = "indodax"
DEFAULT_BASE_URL = "https://indodax.com"

TAPI_PATH = "/tapi"
SERVER_TIME_PATH = "/api/server_time"
PAIRS_PATH = "/api/pairs"
TICKER_ALL_PATH = "/api/ticker_all"
TICKER_PATH = "/api/ticker/{id}"  # id like "btcidr"
DEPTH_PATH = "/api/depth/{id}"
TRADES_PATH = "/api/trades/{id}"
OHLCV_PATH = "/tradingview/history_v2"

# the document: "if ($timestamp >= ($serverTime + 1000) || ($serverTime - $timestamp) > $recvWindow)"
MAX_AHEAD_MS = 1000
DEFAULT_RECV_WINDOW_MS = 5000

TRANS_HISTORY_MAX_DAYS = 7  # start..end inclusive, as in the document's example 2024-07-01..2024-07-07
TRANS_HISTORY_MAX_RECORDS = 500
CLIENT_ORDER_ID_MAX = 36
REQUEST_ID_MAX = 255
TRADE_BLOCK_SECONDS = 5.0

# rate-limit buckets; "trade:<pair>" is one bucket per pair ("per account and pair")
PUBLIC_BUCKET = "public"
CANCEL_BUCKET = "cancel"
TRADE_BUCKET = "trade:{pair}"
# what the document (and the operator for /api) state; the simulator enforces exactly these
DOCUMENTED_LIMITS = (
    RateLimit("trade:*", 20, 1.0),
    RateLimit(CANCEL_BUCKET, 30, 1.0),
    RateLimit(PUBLIC_BUCKET, 180, 60.0),
)
# we count when a request leaves, the server when it arrives: a slightly longer window on our side keeps
# network jitter from putting one request too many into one of the server's windows
WINDOW_MARGIN = 0.25
RATE_LIMITS = tuple(RateLimit(lim.key, lim.limit, lim.period + WINDOW_MARGIN) for lim in DOCUMENTED_LIMITS)

# the TAPI methods each key permission allows (the document's permission table)
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(
        {
            "getInfo",
            "transHistory",
            "tradeHistory",
            "openOrders",
            "orderHistory",
            "getOrder",
            "getOrderByClientOrderId",
        }
    ),
    "trade": frozenset({"trade", "cancelOrder", "cancelByClientOrderId"}),
    "withdraw": frozenset({"withdrawFee", "withdrawCoin"}),
}
WRITE_METHODS = frozenset({"trade", "cancelOrder", "cancelByClientOrderId", "withdrawCoin"})

# tradingview "tf" per unified interval; 5m is built from 1m candles (the API has no 5-minute frame)
TIMEFRAMES: dict[str, str] = {
    "1m": "1",
    "15m": "15",
    "30m": "30",
    "1h": "60",
    "4h": "240",
    "1d": "1D",
    "1w": "1W",
}
AGGREGATED_TIMEFRAMES: dict[str, tuple[str, int]] = {"5m": ("1m", 5)}

ORDER_STATUS: dict[str, OrderStatus] = {
    "open": OrderStatus.OPEN,
    "filled": OrderStatus.CLOSED,
    "cancelled": OrderStatus.CANCELED,
    "canceled": OrderStatus.CANCELED,
}

TRANSFER_STATUS: dict[str, TransferStatus] = {
    "success": TransferStatus.OK,
    "pending": TransferStatus.PENDING,
    "wait": TransferStatus.PENDING,
    "approved": TransferStatus.PENDING,
    "processing": TransferStatus.PENDING,
    "failed": TransferStatus.FAILED,
    "rejected": TransferStatus.FAILED,
    "cancelled": TransferStatus.CANCELED,
    "canceled": TransferStatus.CANCELED,
}

# error_code values (the document's and those public clients report)
ERROR_CODES: dict[str, type[errors.ExchangeError]] = {
    "invalid_credentials": errors.AuthenticationError,
    "invalid_nonce": errors.InvalidNonce,
    "invalid_timestamp": errors.InvalidNonce,
    "too_many_requests": errors.RateLimited,
    "invalid_date": errors.InvalidRequest,
    "invalid_pair": errors.UnknownPair,
    "no_permission": errors.PermissionDenied,
    "insufficient_balance": errors.InsufficientFunds,
    "order_not_found": errors.OrderNotFound,
    "invalid_parameter": errors.InvalidRequest,
}

# messages that come with an empty error_code: a lower-case fragment of the text -> class
ERROR_TEXTS: tuple[tuple[str, type[errors.ExchangeError]], ...] = (
    ("invalid credentials", errors.AuthenticationError),
    ("nonce must be greater than", errors.InvalidNonce),
    ("recvwindow", errors.InvalidNonce),
    ("too many", errors.RateLimited),
    ("no permission", errors.PermissionDenied),
    ("insufficient balance", errors.InsufficientFunds),
    ("not maker", errors.InvalidOrder),
    ("client order id", errors.InvalidOrder),
    ("client_order_id", errors.InvalidOrder),
    ("minimum order", errors.MinimumNotMet),
    ("order not found", errors.OrderNotFound),
    ("invalid order", errors.OrderNotFound),
    ("invalid pair", errors.UnknownPair),
    ("invalid network", errors.InvalidRequest),
    ("recipient address other than", errors.InvalidRequest),
    ("username is not found", errors.InvalidRequest),
    ("withdrawal with amount 0", errors.InvalidRequest),
    ("exceeded today's limit", errors.InvalidRequest),
    ("callback", errors.PermissionDenied),
    ("order already", errors.InvalidOrder),
    ("amount in idr", errors.InvalidOrder),
    ("invalid price", errors.InvalidOrder),
    ("invalid currency", errors.InvalidRequest),
    ("withdraw amount", errors.InvalidRequest),
    ("date", errors.InvalidRequest),
)

# the exact texts the document (and its README facts) give, reused by the simulator
MSG_BAD_SIGN = "Invalid credentials. Bad sign."
MSG_NO_KEY = "Invalid credentials. API not found or session has expired."
MSG_NONCE = "Nonce must be greater than {last}. You provided {given}."
MSG_TIMESTAMP = "Invalid timestamp or recvWindow. Server time is {server}, you provided {given}."
MSG_NO_PERMISSION = "No permission"
MSG_NOT_MAKER = "Order cancelled because it’s not maker."
MSG_DUPLICATE_CLIENT_ID = "client order id {id} already exists"
MSG_TRADE_LIMIT = "Your User ID sent too many trade request for pair {symbol}, please try again in 5 seconds"
MSG_CANCEL_LIMIT = "Your User ID sent too many cancel order requests"
MSG_DATE_FORMAT = "date format must be formatted yyyy-mm-dd"
MSG_DATE_RANGE = "range date can't more than 7 days"
MSG_DATE_ORDER = "start date must be less then end date"
MSG_INVALID_NETWORK = "Invalid network, please fill with one of this {networks}"
MSG_OWN_ADDRESS = "Please use recipient address other than your Indodax account address"
MSG_USERNAME_NOT_FOUND = "Username is not found!"
MSG_ZERO_WITHDRAWAL = "Can't make withdrawal with amount 0, input a larger withdraw_amount value"
MSG_DAILY_LIMIT = (
    "Exceeded today's limit. Remain limit: {remain} {asset}. To increase the limit, please contact "
    "customer service."
)
MSG_INSUFFICIENT = "Insufficient balance."
MSG_ORDER_NOT_FOUND = "Order not found"
MSG_INVALID_PAIR = "Invalid pair"
MSG_MINIMUM = "Minimum order {minimum} {asset}"
MSG_CALLBACK_REFUSED = "Callback verification failed"
# not worded in the document: the simulator's texts for rules the document states
MSG_ORDER_DONE = "Order already {status}"
MSG_LIMIT_BUY_IN_QUOTE = "Limit buy order with amount in idr is not allowed, use the coin amount"
MSG_MARKET_BUY_IN_BASE = "Market buy order only supports amount in idr"
MSG_INVALID_CURRENCY = "Invalid currency"
MSG_AMOUNT_BELOW_FEE = "Withdraw amount must be greater than the fee {fee} {asset}"
MSG_BAD_CLIENT_ORDER_ID = "Invalid client_order_id: max 36 characters of alphanumeric _ -"
