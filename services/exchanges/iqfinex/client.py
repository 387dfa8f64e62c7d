"""Iqfinex REST client: public market data, account, orders. The API has no withdrawals or deposits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from .. import errors
from ..base import INTERVAL_SECONDS, ClientConfig, ExchangeClient
from ..capabilities import Capability
from ..models import (
    AccountInfo,
    Balances,
    Candle,
    Market,
    Order,
    OrderBook,
    OrderSide,
    OrderType,
    PublicTrade,
    Ticker,
    Trade,
)
from ..ratelimit import RateLimit
from ..transport import Request
from . import constants as c
from . import convert
from .auth import IqfinexAuth
from .errors import check_response
from .models import Currency
from .schemas import (
    Envelope,
    Page,
    RawAccountInfo,
    RawAsset,
    RawBalance,
    RawCandle,
    RawCurrency,
    RawOrder,
    RawOrderBook,
    RawPublicTrade,
    RawTicker,
    RawTrade,
    listed,
    listing,
)


def _page_size(limit: int | None, maximum: int) -> int:
    return maximum if limit is None else max(1, min(limit, maximum))


class IqfinexClient(ExchangeClient):
    exchange: ClassVar[str] = c.EXCHANGE
    display_name: ClassVar[str] = c.DISPLAY_NAME
    default_base_url: ClassVar[str | None] = c.DEFAULT_BASE_URL
    rate_limits: ClassVar[Sequence[RateLimit]] = c.RATE_LIMITS
    # "If order was canceled without partially execution it is not saved in database"
    keeps_unfilled_cancels: ClassVar[bool] = False
    # everything the document has; it publishes no withdrawal, deposit or websocket method
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.FETCH_MARKETS,
            Capability.FETCH_TICKERS,
            Capability.FETCH_ORDER_BOOK,
            Capability.FETCH_TRADES,
            Capability.FETCH_OHLCV,
            Capability.FETCH_BALANCE,
            Capability.FETCH_OPEN_ORDERS,
            Capability.FETCH_CLOSED_ORDERS,
            Capability.FETCH_ORDER,
            Capability.FETCH_MY_TRADES,
            Capability.CREATE_LIMIT_ORDER,
            Capability.CREATE_MARKET_ORDER,
            Capability.CREATE_STOP_LIMIT_ORDER,
            Capability.CANCEL_ORDER,
        }
    )

    def __init__(self, config: ClientConfig) -> None:
        super().__init__(config)
        self._has_key = bool(config.credentials.api_key)
        self._transport = self.make_transport(
            signer=IqfinexAuth(config.credentials.api_key),
            error_hook=lambda request, response: check_response(self._transport, request, response),
        )

    # -- plumbing ------------------------------------------------------------------------------------

    async def _call(self, request: Request, shape: Any) -> Any:
        if request.signed and not self._has_key:
            raise errors.AuthenticationError(
                "no API key configured", exchange=self.exchange, endpoint=request.endpoint
            )
        payload = await self._transport.request(request)
        return self.parse(shape, self.parse(Envelope, payload, request.endpoint).data, request.endpoint)

    async def _get(
        self,
        path: str,
        endpoint: str,
        shape: Any,
        *,
        query: Sequence[tuple[str, str]] = (),
        private: bool = False,
    ) -> Any:
        request = Request("GET", path, endpoint, query=query, buckets=(c.REST_BUCKET,), signed=private)
        return await self._call(request, shape)

    async def _post(self, path: str, endpoint: str, body: dict[str, Any] | None = None) -> RawOrder:
        request = Request(
            "POST", path, endpoint, json_body=body, write=True, buckets=(c.REST_BUCKET,), signed=True
        )
        with errors.reading_write_answer(self.exchange, endpoint):
            raw: RawOrder = await self._call(request, RawOrder)
        return raw

    def _invalid(self, cls: type[errors.ExchangeError], endpoint: str, message: str) -> errors.ExchangeError:
        return cls(message, exchange=self.exchange, endpoint=endpoint)

    def _order_path(self, template: str, order_id: str, endpoint: str) -> str:
        if not order_id.isdigit():
            raise self._invalid(errors.OrderNotFound, endpoint, f"order id must be a number: {order_id!r}")
        return template.format(id=order_id)

    async def _orders(self, rows: list[RawOrder], pair: str | None) -> list[Order]:
        markets = await self.load_markets()
        orders = [convert.order(markets, row) for row in rows]
        if pair is None:
            return orders
        symbol = (await self.market(pair)).symbol
        return [o for o in orders if o.symbol == symbol]

    async def _trades(self, rows: list[RawTrade], pair: str | None) -> list[Trade]:
        markets = await self.load_markets()
        # rows come newest first (sort=DESC); reversed, a stable sort keeps same-second fills in order
        trades = [convert.trade(markets, row) for row in reversed(rows)]
        if pair is not None:
            symbol = (await self.market(pair)).symbol
            trades = [t for t in trades if t.symbol == symbol]
        return sorted(trades, key=lambda t: t.timestamp or datetime.min.replace(tzinfo=UTC))

    # -- public --------------------------------------------------------------------------------------

    async def fetch_currencies(self) -> list[Currency]:
        raw = await self._get(c.CURRENCIES, "currencies", listing(RawCurrency))
        return [convert.currency(row) for _, row in listed(raw)]

    async def fetch_currency(self, code: str) -> Currency:
        if not code.isalnum():
            raise self._invalid(errors.InvalidRequest, "currency", f"not a currency code: {code!r}")
        raw = await self._get(c.CURRENCY.format(name=code.upper()), "currency", RawCurrency)
        return convert.currency(raw)

    async def fetch_markets(self) -> list[Market]:
        raw = await self._get(c.ASSETS, "assets", listing(RawAsset))
        return [convert.market(row) for _, row in listed(raw)]

    async def fetch_asset(self, pair: str) -> Market:
        """One pair's current limits straight from /v1/asset (fetch_markets answers from a cache)."""
        market = await self.market(pair)
        return convert.market(await self._get(c.ASSET.format(name=market.id), "asset", RawAsset))

    async def fetch_tickers(self) -> dict[str, Ticker]:
        rows = listed(await self._get(c.TICKERS, "tickers", listing(RawTicker)))
        by_asset = {key or row.asset: row for key, row in rows}
        if None in by_asset:
            raise self.bad_response("tickers", "a ticker row names no asset")
        markets = await self.load_markets()
        tickers = (convert.ticker(convert.symbol_of(markets, a), row) for a, row in by_asset.items() if a)
        return {ticker.symbol: ticker for ticker in tickers}

    async def fetch_ticker(self, pair: str) -> Ticker:
        market = await self.market(pair)
        raw = await self._get(c.TICKER.format(asset=market.id), "ticker", RawTicker)
        return convert.ticker(market.symbol, raw)

    async def fetch_order_book(self, pair: str, limit: int | None = None, *, rounding: int = 0) -> OrderBook:
        """``rounding`` 0-3 aggregates prices by that many fewer digits (the document's rounding level)."""
        if rounding not in c.ROUNDING_LEVELS:
            raise self._invalid(errors.InvalidRequest, "orderbook", f"rounding must be 0-3, not {rounding}")
        market = await self.market(pair)
        path = c.ORDERBOOK.format(asset=market.id, rounding=rounding)
        return convert.order_book(market.symbol, await self._get(path, "orderbook", RawOrderBook), limit)

    async def fetch_trades(self, pair: str, limit: int | None = None) -> list[PublicTrade]:
        market = await self.market(pair)
        query = (("limit", str(_page_size(limit, c.PUBLIC_TRADES_MAX))), ("sort", "DESC"))
        path = c.PUBLIC_TRADES.format(asset=market.id)
        page = await self._get(path, "trades", Page[RawPublicTrade], query=query)
        trades = [convert.public_trade(market.symbol, row) for row in reversed(page.rows)]
        return sorted(trades, key=lambda t: t.timestamp)  # oldest first, same-second trades as listed

    async def fetch_ohlcv(
        self, pair: str, interval: str = "1h", since: datetime | None = None, limit: int | None = None
    ) -> list[Candle]:
        frame = INTERVAL_SECONDS.get(interval)
        if frame is None:
            raise self._invalid(errors.InvalidRequest, "candles", f"unsupported interval {interval!r}")
        market = await self.market(pair)
        # the API has no "from": ask for the most it gives when a start is wanted, then cut
        size = c.CANDLES_MAX if since is not None else _page_size(limit, c.CANDLES_MAX)
        path = c.CANDLES.format(asset=market.id, frame=frame)
        page = await self._get(path, "candles", Page[RawCandle], query=(("limit", str(size)),))
        candles = convert.candles(page.rows, frame, datetime.now(UTC))
        if since is not None:
            candles = [candle for candle in candles if candle.timestamp >= since]
        return candles[-limit:] if limit else candles

    # -- account -------------------------------------------------------------------------------------

    async def fetch_account_info(self) -> AccountInfo:
        return convert.account_info(
            await self._get(c.ACCOUNT_INFO, "account_info", RawAccountInfo, private=True)
        )

    async def fetch_balance(self) -> Balances:
        return convert.balances(await self._get(c.BALANCE, "balance", dict[str, RawBalance], private=True))

    async def fetch_open_orders(self, pair: str | None = None) -> list[Order]:
        page = await self._get(c.ORDERS_OPENED, "orders_opened", Page[RawOrder], private=True)
        return await self._orders(page.rows, pair)

    async def fetch_closed_orders(self, pair: str | None = None, limit: int | None = None) -> list[Order]:
        query = (("limit", str(_page_size(limit, c.HISTORY_MAX))), ("offset", "0"), ("sort", "DESC"))
        page = await self._get(c.ORDERS_CLOSED, "orders_closed", Page[RawOrder], query=query, private=True)
        return await self._orders(page.rows, pair)

    async def fetch_order(self, order_id: str, pair: str | None = None) -> Order:
        """Note: an order canceled with nothing executed is not kept by Iqfinex (OrderNotFound)."""
        path = self._order_path(c.ORDER, order_id, "order")
        raw = await self._get(path, "order", RawOrder, private=True)
        return (await self._orders([raw], None))[0]

    async def fetch_order_trades(self, order_id: str, limit: int | None = None) -> list[Trade]:
        path = self._order_path(c.ORDER_TRADES, order_id, "order_trades")
        query = (("limit", str(_page_size(limit, c.HISTORY_MAX))), ("sort", "DESC"))
        page = await self._get(path, "order_trades", Page[RawTrade], query=query, private=True)
        return await self._trades(page.rows, None)

    async def fetch_my_trades(self, pair: str | None = None, limit: int | None = None) -> list[Trade]:
        query = (("limit", str(_page_size(limit, c.HISTORY_MAX))), ("sort", "DESC"))
        page = await self._get(c.MY_TRADES, "my_trades", Page[RawTrade], query=query, private=True)
        return await self._trades(page.rows, pair)

    # -- trading -------------------------------------------------------------------------------------

    async def create_order(
        self,
        pair: str,
        side: OrderSide,
        type: OrderType,
        amount: Decimal,
        price: Decimal | None = None,
        *,
        stop_price: Decimal | None = None,
        client_order_id: str | None = None,
    ) -> Order:
        self.require_key(Capability.CLIENT_ORDER_ID, client_order_id)
        market = await self.market(pair)
        body = self._order_body(market, side, type, amount, price, stop_price)
        raw = await self._post(c.ORDER_CREATE, "order_create", body)
        with errors.reading_write_answer(self.exchange, "order_create"):
            return (await self._orders([raw], None))[0]

    def _order_body(
        self,
        market: Market,
        side: OrderSide,
        type: OrderType,
        amount: Decimal,
        price: Decimal | None,
        stop_price: Decimal | None,
    ) -> dict[str, Any]:
        def reject(message: str) -> errors.ExchangeError:
            return self._invalid(errors.InvalidOrder, "order_create", message)

        if not market.active:
            raise reject(f"trading on {market.symbol} is disabled")
        if amount <= 0:
            raise reject("amount must be positive")
        minimum = market.limits.amount.min
        if minimum is not None and amount < minimum:
            raise errors.MinimumNotMet(
                f"amount {amount} is below the minimum {minimum} {market.base}",
                minimum=minimum,
                exchange=self.exchange,
                endpoint="order_create",
            )
        # the API tells the kinds apart by which prices are present
        if (type is OrderType.MARKET) != (price is None):
            raise reject("a market order takes no price; limit and stop-limit orders need one")
        if (type is OrderType.STOP_LIMIT) != (stop_price is not None):
            raise reject("a stop price goes with a stop-limit order only")
        if any(p is not None and p <= 0 for p in (price, stop_price)):
            raise reject("prices must be positive")
        body: dict[str, Any] = {"asset": market.id, "cmd": side.value, "volume": amount}
        if price is not None:
            body["price"] = price
        if stop_price is not None:
            body["stopPrice"] = stop_price
        return body

    async def cancel_order(self, order_id: str, pair: str | None = None) -> Order:
        path = self._order_path(c.ORDER_CANCEL, order_id, "order_cancel")
        raw = await self._post(path, "order_cancel")
        with errors.reading_write_answer(self.exchange, "order_cancel"):
            return (await self._orders([raw], None))[0]
