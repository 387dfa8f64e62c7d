"""Which interface method serves each capability (capabilities without one are served by extra methods)."""

from services.exchanges.capabilities import Capability as C

METHOD_OF = {
    C.FETCH_MARKETS: "fetch_markets",
    C.FETCH_TICKERS: "fetch_tickers",
    C.FETCH_ORDER_BOOK: "fetch_order_book",
    C.FETCH_TRADES: "fetch_trades",
    C.FETCH_OHLCV: "fetch_ohlcv",
    C.FETCH_BALANCE: "fetch_balance",
    C.FETCH_OPEN_ORDERS: "fetch_open_orders",
    C.FETCH_CLOSED_ORDERS: "fetch_closed_orders",
    C.FETCH_ORDER: "fetch_order",
    C.FETCH_MY_TRADES: "fetch_my_trades",
    C.CREATE_LIMIT_ORDER: "create_order",
    C.CREATE_MARKET_ORDER: "create_order",
    C.CREATE_STOP_LIMIT_ORDER: "create_order",
    C.CANCEL_ORDER: "cancel_order",
    C.WITHDRAW: "withdraw",
    C.FETCH_DEPOSITS: "fetch_deposits",
    C.FETCH_WITHDRAWALS: "fetch_withdrawals",
    C.FETCH_DEPOSIT_ADDRESS: "fetch_deposit_address",
}
