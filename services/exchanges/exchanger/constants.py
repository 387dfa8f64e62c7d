"""Premium Exchanger API v1 as data: path, methods, rate limits, error texts, bid status sets."""

from __future__ import annotations

from services.exchanges import errors
from services.exchanges.ratelimit import RateLimit

#: the client appends this to the site's base URL, then the method name
API_PATH = "/api/userapi/v1/"

HEADER_LOGIN = "API-LOGIN"
HEADER_KEY = "API-KEY"
HEADER_LANG = "API-LANG"

# methods (every call is a POST with form parameters)
TEST = "test"
GET_DIRECTION_CURRENCIES = "get_direction_currencies"
GET_DIRECTIONS = "get_directions"
GET_DIRECTION = "get_direction"
GET_CALC = "get_calc"
GET_EXCHANGES = "get_exchanges"
CREATE_BID = "create_bid"
CANCEL_BID = "cancel_bid"
PAY_BID = "pay_bid"
SUCCESS_BID = "success_bid"
BID_INFO = "bid_info"
GET_PARTNER_INFO = "get_partner_info"
GET_PARTNER_LINKS = "get_partner_links"
GET_PARTNER_EXCHANGES = "get_partner_exchanges"
GET_PARTNER_PAYOUTS = "get_partner_payouts"
ADD_PARTNER_PAYOUT = "add_partner_payout"

METHODS = (
    TEST,
    GET_DIRECTION_CURRENCIES,
    GET_DIRECTIONS,
    GET_DIRECTION,
    GET_CALC,
    GET_EXCHANGES,
    CREATE_BID,
    CANCEL_BID,
    PAY_BID,
    SUCCESS_BID,
    BID_INFO,
    GET_PARTNER_INFO,
    GET_PARTNER_LINKS,
    GET_PARTNER_EXCHANGES,
    GET_PARTNER_PAYOUTS,
    ADD_PARTNER_PAYOUT,
)

#: change state on the site: sent at most once
WRITE_METHODS = frozenset({CREATE_BID, CANCEL_BID, PAY_BID, SUCCESS_BID, ADD_PARTNER_PAYOUT})

#: field errors on these are about the exchange amount/accounts, i.e. the "order"
ORDER_METHODS = frozenset({CREATE_BID, GET_CALC})

#: list methods; the site answers "Empty Response" when a filter matches nothing
LIST_METHODS = frozenset({GET_EXCHANGES, GET_PARTNER_LINKS, GET_PARTNER_EXCHANGES, GET_PARTNER_PAYOUTS})

# The document publishes no rate limit; a site sits behind ordinary web hosting, so stay well below
# what a browser session would cause: at most 3 calls a second and 90 a minute per key.
BUCKET = "api"
RATE_LIMITS = (RateLimit(BUCKET, 3, 1.0), RateLimit(BUCKET, 90, 60.0))

# error_text values the document lists, in the English the site answers in when API-LANG asks for it:
# in any other language the texts are the site's translations, which no table can know
ENGLISH = "en_US"
# windows looked back through for the newest bids (the document does not say in which order the site
# lists them, so a "limit" alone may pick the oldest): the last day, week, month, then everything
RECENT_BID_WINDOWS_DAYS: tuple[int | None, ...] = (1, 7, 30, None)

# error_text values the document lists (English site language)
API_DISABLED = "Api disabled"  # wrong login/key, or the API not enabled for the user
METHOD_NOT_SUPPORTED = "Method not supported"  # the method is not enabled for this key
NO_BID_EXISTS = "No bid exists"
DIRECTION_NOT_FOUND = "Direction not found"  # unknown, or not open to the API
EMPTY_RESPONSE = "Empty Response"  # "requested information is not available": nothing matches

ERROR_TEXTS: dict[str, type[errors.ExchangeError]] = {
    API_DISABLED.lower(): errors.AuthenticationError,
    METHOD_NOT_SUPPORTED.lower(): errors.PermissionDenied,
    NO_BID_EXISTS.lower(): errors.OrderNotFound,
    DIRECTION_NOT_FOUND.lower(): errors.UnknownPair,
}

#: the word the document uses for "not set" in min/max fields
NOT_SET = "no"

# bid statuses (from the operator's pages; see BidStatus)
CANCELLABLE_STATUSES = frozenset({"new", "techpay", "coldnew", "amlwait", "merchwait"})
FINAL_STATUSES = frozenset({"success", "cancel", "delete", "error"})

#: api_actions values meaning "do it through the API"
ACTION_API = "api"
ACTION_DISABLED = "disabled"
