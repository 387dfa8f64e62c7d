"""Iqfinex as data: URLs, paths, limits, the document's status words and error statuses."""

from __future__ import annotations

import re

from ..errors import (
    AuthenticationError,
    ExchangeError,
    ExchangeUnavailable,
    InsufficientFunds,
    InvalidOrder,
    InvalidRequest,
    MinimumNotMet,
    OrderNotFound,
    PermissionDenied,
    RequestTimeout,
    UnknownPair,
)
from ..models import OrderStatus, OrderType
from ..ratelimit import RateLimit

EXCHANGE = "iqfinex"
DISPLAY_NAME = "Iqfinex"
DEFAULT_BASE_URL = "https://datacenter.iqfinex.com"
AUTH_HEADER = "Authorization"

# -- paths (the client fills the ":name" parts) ------------------------------------------------------
CURRENCIES = "/v1/currencies"
CURRENCY = "/v1/currency/{name}"
ASSETS = "/v1/assets"
ASSET = "/v1/asset/{name}"
TICKERS = "/v1/tickers"
TICKER = "/v1/ticker/{asset}"
ORDERBOOK = "/v1/orderbook/{asset}/{rounding}"
PUBLIC_TRADES = "/v1/trades/{asset}"
CANDLES = "/v1/candles/{asset}/{frame}"
ACCOUNT_INFO = "/v1/account/info"
BALANCE = "/v1/balance"
ORDER_CREATE = "/v1/order"
ORDER_CANCEL = "/v1/order/{id}/cancel"
ORDERS_OPENED = "/v1/orders/opened"
ORDERS_CLOSED = "/v1/orders/closed"
ORDER = "/v1/order/{id}"
ORDER_TRADES = "/v1/order/{id}/trades"
MY_TRADES = "/v1/trades"

# -- rate limits -------------------------------------------------------------------------------------
# The document publishes no rate limit. Until the operator names one we assume a conservative
# 5 requests per second per key, every endpoint in one bucket (the simulator enforces exactly this).
REST_BUCKET = "rest"
EXCHANGE_LIMITS = (RateLimit(REST_BUCKET, 5, 1.0),)
# The client's windows are longer than the exchange's: it counts a request when it leaves, the server
# when it arrives, and the first requests of a burst arrive late (they open connections), so windows of
# the same length would let the next ones land less than a period after them.
SEND_MARGIN = 1.25
RATE_LIMITS = tuple(RateLimit(lim.key, lim.limit, lim.period * SEND_MARGIN) for lim in EXCHANGE_LIMITS)

# -- paging maxima and defaults from the document ----------------------------------------------------
PUBLIC_TRADES_MAX = 100
CANDLES_MAX = 500
HISTORY_MAX = 100  # closed orders, trades by order, my trades
PUBLIC_TRADES_DEFAULT = 10
CANDLES_DEFAULT = 20
HISTORY_DEFAULT = 20
SORT_VALUES = ("ASC", "DESC")
ROUNDING_LEVELS = (0, 1, 2, 3)  # orderbook: digits to round the price away, see the document

# -- candle frames (seconds) -------------------------------------------------------------------------
FRAMES = (60, 120, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 604800)
# a candle frame is named by its length in seconds, one per unified interval (base.INTERVAL_SECONDS)

# -- orders ------------------------------------------------------------------------------------------
ORDER_TYPES = {"LIMIT": OrderType.LIMIT, "MARKET": OrderType.MARKET, "STOP_LIMIT": OrderType.STOP_LIMIT}
ORDER_STATUSES = {"active": OrderStatus.OPEN, "closed": OrderStatus.CLOSED, "canceled": OrderStatus.CANCELED}
STATUS_ACTIVE = "active"
STATUS_CLOSED = "closed"
STATUS_CANCELED = "canceled"
SIDES = ("buy", "sell")

# -- errors ------------------------------------------------------------------------------------------
# The document's table: 402 is "action is forbidden for API key" (a permission, e.g. trading on a key
# without isTrade) and 403 is "authorization token expired" (an authentication failure).
STATUS_ERRORS: dict[int, type[ExchangeError]] = {
    400: InvalidRequest,
    401: AuthenticationError,
    402: PermissionDenied,
    403: AuthenticationError,
    500: ExchangeUnavailable,
    503: ExchangeUnavailable,
    504: RequestTimeout,
}
STATUS_TEXTS = {
    400: "Bad Request",
    401: "Invalid login data",
    402: "Forbidden. Action is forbidden for API key",
    403: "Authorization token expired",
    500: "Internal Server Error",
    503: "Service Unavailable. Service is down for maintenance",
    504: "Gateway Timeout. Request timeout expired",
}
# A 400 carries "JSON with the error message"; these words in it name a narrower class. Checked in order.
MESSAGE_ERRORS: tuple[tuple[re.Pattern[str], type[ExchangeError]], ...] = (
    (re.compile(r"insufficient|not enough|low balance", re.I), InsufficientFunds),
    (re.compile(r"order .*not found|no such order", re.I), OrderNotFound),
    (re.compile(r"min(imal|imum)?[ _]volume|below (the )?min", re.I), MinimumNotMet),
    (re.compile(r"(asset|pair) .*not found|unknown (asset|pair)", re.I), UnknownPair),
)
# endpoints whose plain 400 is a rejected order rather than a generic bad request
ORDER_ENDPOINTS = frozenset({"order_create", "order_cancel"})
ORDER_REJECTED: type[ExchangeError] = InvalidOrder
