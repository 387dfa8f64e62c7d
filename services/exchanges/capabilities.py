"""What an exchange's API allows. The bot checks these and says "not supported" instead of failing."""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    FETCH_MARKETS = "fetch_markets"
    FETCH_TICKERS = "fetch_tickers"
    FETCH_ORDER_BOOK = "fetch_order_book"
    FETCH_TRADES = "fetch_trades"
    FETCH_OHLCV = "fetch_ohlcv"
    FETCH_BALANCE = "fetch_balance"
    FETCH_OPEN_ORDERS = "fetch_open_orders"
    FETCH_CLOSED_ORDERS = "fetch_closed_orders"
    FETCH_ORDER = "fetch_order"
    FETCH_MY_TRADES = "fetch_my_trades"
    CREATE_LIMIT_ORDER = "create_limit_order"
    CREATE_MARKET_ORDER = "create_market_order"
    CREATE_STOP_LIMIT_ORDER = "create_stop_limit_order"
    CANCEL_ORDER = "cancel_order"
    WITHDRAW = "withdraw"
    FETCH_DEPOSITS = "fetch_deposits"
    FETCH_WITHDRAWALS = "fetch_withdrawals"
    FETCH_DEPOSIT_ADDRESS = "fetch_deposit_address"
    WATCH_TICKERS = "watch_tickers"  # websocket market stream
    WATCH_USER = "watch_user"  # websocket order/balance stream
    EXCHANGE_BIDS = "exchange_bids"  # exchanger sites: directions and bids instead of an order book
    # idempotency keys the exchange honours: after OutcomeUnknown the write is found by its key
    CLIENT_ORDER_ID = "client_order_id"  # create_order(client_order_id=...)
    WITHDRAW_REQUEST_ID = "withdraw_request_id"  # withdraw(request_id=...)
    BID_API_ID = "bid_api_id"  # exchanger create_bid(api_id=...)
