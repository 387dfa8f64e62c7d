"""IndodaxClient: the account side of the TAPI (balances, deposit addresses, deposits and withdrawals),
orders (trade always carries a client_order_id, Indodax's idempotency key; order queries, cancels, our own
trade history) and public market data (/api/* and the tradingview candles). Signed calls go through
auth.TapiSession (server clock or nonce, resynchronised after a refusal); shapes are turned into the
neutral models in convert."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from services.exchanges import errors
from services.exchanges.base import INTERVAL_SECONDS, ClientConfig, ExchangeClient
from services.exchanges.callbacks import CallbackEndpoint
from services.exchanges.candles import merge as merge_candles
from services.exchanges.capabilities import Capability
from services.exchanges.jsonwire import decimal_text
from services.exchanges.models import (
    AccountInfo,
    Balances,
    Candle,
    Deposit,
    DepositAddress,
    Market,
    Order,
    OrderBook,
    OrderSide,
    OrderStatus,
    OrderType,
    PublicTrade,
    Ticker,
    Trade,
    Withdrawal,
)
from services.exchanges.nonce import ServerClock
from services.exchanges.ratelimit import RateLimit
from services.exchanges.transport import Request

from . import convert, schemas
from .auth import AuthMode, IndodaxSigner, TapiSession
from .callback import WithdrawalCallbacks
from .constants import (
    AGGREGATED_TIMEFRAMES,
    CANCEL_BUCKET,
    CLIENT_ORDER_ID_MAX,
    DEFAULT_BASE_URL,
    DEFAULT_RECV_WINDOW_MS,
    DEPTH_PATH,
    EXCHANGE,
    OHLCV_PATH,
    PAIRS_PATH,
    PUBLIC_BUCKET,
    RATE_LIMITS,
    REQUEST_ID_MAX,
    SERVER_TIME_PATH,
    TICKER_ALL_PATH,
    TICKER_PATH,
    TIMEFRAMES,
    TRADE_BUCKET,
    TRADES_PATH,
)
from .errors import IndodaxErrorHook

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9]+$")
_CLIENT_ORDER_ID = re.compile(r"^[A-Za-z0-9_-]+$")
DEFAULT_CANDLES = 100


def new_client_order_id() -> str:
    return f"cb-{uuid.uuid4().hex[:24]}"


class IndodaxClient(ExchangeClient):
    exchange = EXCHANGE
    display_name = "Indodax"
    rate_limits = RATE_LIMITS
    default_base_url = DEFAULT_BASE_URL
    # no stop orders: trade takes no stop price (stop-limit orders only show up in openOrders)
    capabilities = frozenset(
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
            Capability.CANCEL_ORDER,
            Capability.WITHDRAW,
            Capability.FETCH_DEPOSITS,
            Capability.FETCH_WITHDRAWALS,
            Capability.FETCH_DEPOSIT_ADDRESS,
            Capability.CLIENT_ORDER_ID,
            Capability.WITHDRAW_REQUEST_ID,
        }
    )

    def __init__(
        self,
        config: ClientConfig,
        *,
        auth_mode: AuthMode = AuthMode.TIMESTAMP,
        recv_window_ms: int = DEFAULT_RECV_WINDOW_MS,
        rate_limits: Sequence[RateLimit] | None = None,
    ) -> None:
        """``rate_limits`` replaces the declared ones (tests with small windows)."""
        super().__init__(config)
        limits = self.rate_limits if rate_limits is None else rate_limits
        self.clock = ServerClock()
        nonces = self.make_nonce_source()
        credentials = config.credentials
        signer = IndodaxSigner(
            credentials.api_key,
            credentials.api_secret,
            mode=auth_mode,
            clock=self.clock,
            nonces=nonces,
            recv_window_ms=recv_window_ms,
        )
        hook = IndodaxErrorHook(self.redactor)
        # the public limit is counted per address, not per key: every account shares one window
        public_limiter = self.make_limiter(limits, scope="public")
        self._public = self.make_transport(error_hook=hook, limiter=public_limiter)
        private = self.make_transport(signer=signer, error_hook=hook, limiter=self.make_limiter(limits))
        self._tapi = TapiSession(
            private, clock=self.clock, nonces=nonces, auth_mode=auth_mode, server_ms=self._server_ms
        )
        self.withdrawal_callbacks = WithdrawalCallbacks(
            config.redis, self._redis_key("withdraw-callback", credentials.fingerprint())
        )

    # -- wire ----------------------------------------------------------------------------------------

    async def public(self, path: str, endpoint: str, query: Sequence[tuple[str, str]] = ()) -> Any:
        request = Request("GET", path, endpoint, query=query, buckets=(PUBLIC_BUCKET,))
        return await self._public.request(request)

    async def _server_ms(self) -> int:
        data = await self.public(SERVER_TIME_PATH, "server_time")
        return self.parse(schemas.ServerTime, data, "server_time").server_time

    async def tapi(
        self,
        method: str,
        params: Sequence[tuple[str, str]] = (),
        *,
        write: bool = False,
        buckets: Sequence[str] = (),
    ) -> Any:
        return await self._tapi.call(method, params, write=write, buckets=buckets)

    async def tapi_result(self, model: type[M], method: str, params: Sequence[tuple[str, str]] = ()) -> M:
        """A read whose answer is ``{"success": 1, "return": <model>}``."""
        envelope = self.parse(schemas.Envelope, await self.tapi(method, params), method)
        return self.parse(model, envelope.result, method)

    # -- market data ---------------------------------------------------------------------------------

    async def fetch_server_time(self) -> datetime:
        return datetime.fromtimestamp(await self._server_ms() / 1000, UTC)

    async def fetch_markets(self) -> list[Market]:
        pairs = self.parse(list[schemas.PairInfo], await self.public(PAIRS_PATH, "pairs"), "pairs")
        return [convert.market(p) for p in pairs]

    async def fetch_tickers(self) -> dict[str, Ticker]:
        data = await self.public(TICKER_ALL_PATH, "ticker_all")
        raw = self.parse(schemas.TickerAll, data, "ticker_all")
        tickers = [convert.ticker(ticker_id, t) for ticker_id, t in raw.tickers.items()]
        return {t.symbol: t for t in tickers}

    async def fetch_ticker(self, pair: str) -> Ticker:
        m = await self.market(pair)
        data = await self.public(TICKER_PATH.format(id=convert.path_id(m)), "ticker")
        return convert.ticker(m.id, self.parse(schemas.TickerOne, data, "ticker").ticker)

    async def fetch_order_book(self, pair: str, limit: int | None = None) -> OrderBook:
        m = await self.market(pair)
        data = await self.public(DEPTH_PATH.format(id=convert.path_id(m)), "depth")
        return convert.order_book(m.symbol, self.parse(schemas.Depth, data, "depth"), limit)

    async def fetch_trades(self, pair: str, limit: int | None = None) -> list[PublicTrade]:
        m = await self.market(pair)
        data = await self.public(TRADES_PATH.format(id=convert.path_id(m)), "trades")
        rows = self.parse(list[schemas.PublicTradeRaw], data, "trades")
        trades = [convert.public_trade(m.symbol, t) for t in rows]
        return trades[:limit] if limit is not None else trades

    async def fetch_ohlcv(
        self, pair: str, interval: str = "1h", since: datetime | None = None, limit: int | None = None
    ) -> list[Candle]:
        count = limit or DEFAULT_CANDLES
        if interval in AGGREGATED_TIMEFRAMES:
            finer, factor = AGGREGATED_TIMEFRAMES[interval]
            fine = await self.fetch_ohlcv(pair, finer, since, count * factor)
            merged = merge_candles(fine, INTERVAL_SECONDS[finer] * factor)
            return merged[:count] if since is not None else merged[-count:]
        if interval not in TIMEFRAMES:
            raise errors.InvalidRequest(f"unknown interval {interval!r}", exchange=EXCHANGE, endpoint="ohlcv")
        tf, step = TIMEFRAMES[interval], INTERVAL_SECONDS[interval]
        m = await self.market(pair)
        now = int(time.time())
        start = int(since.timestamp()) if since is not None else now - count * step
        end = min(now, start + count * step)
        query = [("from", str(start)), ("to", str(end)), ("tf", tf), ("symbol", convert.path_id(m).upper())]
        rows = self.parse(list[schemas.CandleRaw], await self.public(OHLCV_PATH, "ohlcv", query), "ohlcv")
        candles = sorted((convert.candle(r) for r in rows), key=lambda c: c.timestamp)
        return candles[:count] if since is not None else candles[-count:]

    # -- orders --------------------------------------------------------------------------------------

    def _need_pair(self, pair: str | None, endpoint: str) -> str:
        if pair is None:
            raise errors.InvalidRequest("Indodax needs the pair", exchange=EXCHANGE, endpoint=endpoint)
        return pair

    def _check_client_order_id(self, client_order_id: str) -> None:
        if len(client_order_id) > CLIENT_ORDER_ID_MAX or not _CLIENT_ORDER_ID.match(client_order_id):
            raise errors.InvalidOrder(
                f"client_order_id must be at most {CLIENT_ORDER_ID_MAX} characters of A-Z a-z 0-9 _ -",
                exchange=EXCHANGE,
                endpoint="trade",
            )

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
        """A market buy is sized in the quote asset on Indodax: ``amount`` (base) is converted with
        ``price`` if given, else with the current best ask."""
        if type is OrderType.STOP_LIMIT or stop_price is not None:
            raise self.not_supported("stop orders")
        m = await self.market(pair)
        base, quote = m.base.lower(), m.quote.lower()
        params = [("pair", m.id), ("type", side.value)]
        if type is OrderType.LIMIT:
            if price is None:
                raise errors.InvalidOrder("a limit order needs a price", exchange=EXCHANGE, endpoint="trade")
            params += [
                ("price", decimal_text(price)),
                (base, decimal_text(amount)),
                ("order_type", "limit"),
            ]
        elif side is OrderSide.SELL:
            params += [(base, decimal_text(amount)), ("order_type", "market")]
        else:
            cost = convert.round_quote(m, amount * (price or await self._best_ask(m)))
            params += [(quote, decimal_text(cost)), ("order_type", "market")]
        return await self._trade(m, side, type, params, amount, price, client_order_id)

    async def create_market_buy_order_with_cost(
        self, pair: str, cost: Decimal, *, client_order_id: str | None = None
    ) -> Order:
        """A market buy spending ``cost`` of the quote asset (what Indodax itself takes)."""
        m = await self.market(pair)
        params = [("pair", m.id), ("type", "buy"), (m.quote.lower(), decimal_text(cost))]
        params.append(("order_type", "market"))
        return await self._trade(m, OrderSide.BUY, OrderType.MARKET, params, None, None, client_order_id)

    async def _trade(
        self,
        m: Market,
        side: OrderSide,
        type: OrderType,
        params: list[tuple[str, str]],
        amount: Decimal | None,
        price: Decimal | None,
        client_order_id: str | None,
    ) -> Order:
        coid = client_order_id or new_client_order_id()
        self._check_client_order_id(coid)
        bucket = TRADE_BUCKET.format(pair=m.id)
        try:
            form = [*params, ("client_order_id", coid)]
            data = await self.tapi("trade", form, write=True, buckets=(bucket,))
        except errors.InvalidOrder as exc:
            if f"client order id {coid} already exists" not in exc.message:
                raise
            return await self._already_placed(m, coid, side, price)
        with errors.reading_write_answer(EXCHANGE, "trade"):
            envelope = self.parse(schemas.Envelope, data, "trade")
            raw = self.parse(schemas.TradeResult, envelope.result, "trade")
        base = m.base.lower()
        filled = raw.amount_for("receive" if side is OrderSide.BUY else "sold", base) or Decimal(0)
        remain = raw.amount_for("remain", *((m.quote.lower(), "rp") if side is OrderSide.BUY else (base,)))
        done = type is OrderType.MARKET or (remain is not None and remain == 0)
        return Order(
            id=str(raw.order_id),
            symbol=m.symbol,
            side=side,
            type=type,
            status=OrderStatus.CLOSED if done else OrderStatus.OPEN,
            amount=amount,
            price=price if type is OrderType.LIMIT else None,
            filled=filled,
            client_order_id=raw.client_order_id or coid,
            timestamp=datetime.now(UTC),
        )

    async def _already_placed(self, m: Market, coid: str, side: OrderSide, price: Decimal | None) -> Order:
        """Our idempotency key is taken: the order exists if it is the one we meant (an earlier copy of
        this request), otherwise the key was reused by mistake."""
        existing = await self.fetch_order_by_client_order_id(coid, m.symbol)
        if existing.side is side and (price is None or existing.price == price):
            return existing
        raise errors.InvalidOrder(
            f"client order id {coid} already exists for a different order",
            exchange=EXCHANGE,
            endpoint="trade",
        )

    async def fetch_order(self, order_id: str, pair: str | None = None) -> Order:
        m = await self.market(self._need_pair(pair, "getOrder"))
        raw = await self.tapi_result(schemas.OneOrder, "getOrder", [("pair", m.id), ("order_id", order_id)])
        return convert.order(m, raw.order)

    async def fetch_order_by_client_order_id(self, client_order_id: str, pair: str) -> Order:
        """The answer does not name the pair, so the caller does (it knows it from placing the order)."""
        m = await self.market(pair)
        params = [("client_order_id", client_order_id)]
        raw = await self.tapi_result(schemas.OneOrder, "getOrderByClientOrderId", params)
        return convert.order(m, raw.order)

    async def fetch_open_orders(self, pair: str | None = None) -> list[Order]:
        if pair is not None:
            m = await self.market(pair)
            raw = await self.tapi_result(schemas.OpenOrders, "openOrders", [("pair", m.id)])
            groups = {m.id: raw.orders} if isinstance(raw.orders, list) else raw.orders
        else:
            raw = await self.tapi_result(schemas.OpenOrders, "openOrders")
            groups = raw.orders if isinstance(raw.orders, dict) else {}
        found = []
        for pair_id, rows in groups.items():
            m = await self.market(pair_id)
            found += [convert.order(m, row, OrderStatus.OPEN) for row in rows]
        return found

    async def fetch_closed_orders(self, pair: str | None = None, limit: int | None = None) -> list[Order]:
        m = await self.market(self._need_pair(pair, "orderHistory"))
        params = [("pair", m.id)] + ([("count", str(limit))] if limit else [])
        raw = await self.tapi_result(schemas.OrderList, "orderHistory", params)
        orders = [convert.order(m, row) for row in raw.orders]
        return [o for o in orders if o.status is not OrderStatus.OPEN]

    async def cancel_order(
        self,
        order_id: str,
        pair: str | None = None,
        *,
        side: OrderSide | None = None,
        type: OrderType | None = None,
    ) -> Order | None:
        """cancelOrder needs the side and, for a stop-limit order, ``order_type=stoplimit``; what the
        caller does not give is looked up first (one read)."""
        m = await self.market(self._need_pair(pair, "cancelOrder"))
        known: Order | None = None
        if side is None or type is None:
            known = await self._order_to_cancel(m, order_id)
            side, type = side or known.side, type or known.type
        order_type = "stoplimit" if type is OrderType.STOP_LIMIT else "limit"
        params = [("pair", m.id), ("order_id", order_id), ("type", side.value), ("order_type", order_type)]
        data = await self.tapi("cancelOrder", params, write=True, buckets=(CANCEL_BUCKET,))
        return self._cancelled(data, "cancelOrder", known)

    async def _order_to_cancel(self, m: Market, order_id: str) -> Order:
        """openOrders names an open order's type (getOrder's documented answer does not), so look there
        first; getOrder for an order that is no longer open."""
        for order in await self.fetch_open_orders(m.symbol):
            if order.id == order_id:
                return order
        return await self.fetch_order(order_id, m.symbol)

    async def cancel_order_by_client_order_id(self, client_order_id: str) -> Order:
        params = [("client_order_id", client_order_id)]
        data = await self.tapi("cancelByClientOrderId", params, write=True, buckets=(CANCEL_BUCKET,))
        return self._cancelled(data, "cancelByClientOrderId", None)

    def _cancelled(self, data: object, endpoint: str, known: Order | None) -> Order:
        with errors.reading_write_answer(EXCHANGE, endpoint):
            raw = self.parse(
                schemas.CancelResult, self.parse(schemas.Envelope, data, endpoint).result, endpoint
            )
        if known is not None:
            return known.model_copy(update={"status": OrderStatus.CANCELED})
        base, _, quote = raw.pair.upper().partition("_")
        return Order(
            id=str(raw.order_id),
            symbol=f"{base}/{quote}",
            side=OrderSide(raw.type),
            type=OrderType.LIMIT,
            status=OrderStatus.CANCELED,
            client_order_id=raw.client_order_id or None,
        )

    async def _best_ask(self, m: Market) -> Decimal:
        ask = (await self.fetch_ticker(m.symbol)).ask
        if not ask:
            raise errors.InvalidOrder(f"no ask price for {m.symbol}", exchange=EXCHANGE, endpoint="ticker")
        return ask

    # -- account -------------------------------------------------------------------------------------

    def callback_endpoint(self) -> CallbackEndpoint:
        """Indodax asks before each withdrawCoin; only our own pending request is answered "ok"."""
        return self.withdrawal_callbacks

    async def _info(self) -> schemas.Info:
        return await self.tapi_result(schemas.Info, "getInfo")

    async def fetch_balance(self) -> Balances:
        return convert.balances(await self._info())

    async def fetch_account_info(self) -> AccountInfo:
        """getInfo proves the key may view; it tells whether the user may withdraw, not the key's rights."""
        info = await self._info()
        can_withdraw = None if info.withdraw_status is None else info.withdraw_status == 1
        details = {"user_id": info.user_id, "verification_status": info.verification_status}
        return AccountInfo(can_withdraw=can_withdraw, details={k: v for k, v in details.items() if v})

    async def fetch_deposit_address(self, asset: str, network: str | None = None) -> DepositAddress:
        info = await self._info()
        key = asset.lower()
        address = info.address.get(key)
        if not address:
            raise errors.InvalidRequest(
                f"no deposit address for {asset}", exchange=EXCHANGE, endpoint="getInfo"
            )
        networks = convert.networks(info, key)
        if network is not None and networks and network not in networks:
            raise errors.InvalidRequest(
                f"{asset} has no network {network!r}; one of {', '.join(networks)}",
                exchange=EXCHANGE,
                endpoint="getInfo",
            )
        chosen = network or (networks[0] if networks else None)
        return DepositAddress(asset=asset.upper(), address=address, network=chosen)

    async def fetch_my_trades(self, pair: str | None = None, limit: int | None = None) -> list[Trade]:
        """tradeHistory takes one pair; without one, every pair of a coin the account touched is read
        (``traded_pairs``), so a coin sold to zero still shows its trades."""
        if pair is None:
            pairs = await self.trade_pairs()
            per_pair = await asyncio.gather(*(self.fetch_my_trades(p, limit) for p in pairs))
            return [trade for trades in per_pair for trade in trades]
        m = await self.market(pair)
        params = [("pair", m.id)] + ([("count", str(limit))] if limit else [])
        raw = await self.tapi_result(schemas.MyTrades, "tradeHistory", params)
        return [convert.my_trade(m, row) for row in raw.trades]

    async def trade_pairs(self) -> list[str]:
        return [m.symbol for m in await self.traded_pairs()]

    async def traded_pairs(self) -> list[Market]:
        """The pairs whose base coin the account holds, has open orders in, or moved in or out
        (transHistory's last 7 days): a balance now zero does not hide a pair traded lately."""
        balances, open_orders, moved = await asyncio.gather(
            self.fetch_balance(), self.fetch_open_orders(), self._trans_history(None)
        )
        coins = {b.asset for b in balances.non_zero()}
        coins |= {
            c.upper()
            for page in moved
            for groups in (page.deposit, page.withdraw)
            for c, rows in groups.items()
            if rows
        }
        coins |= {o.symbol.partition("/")[0] for o in open_orders}
        return [m for m in (await self.load_markets()).markets if m.base in coins]

    # -- deposits and withdrawals --------------------------------------------------------------------

    async def _trans_history(self, since: datetime | None) -> list[schemas.TransHistory]:
        pages = []
        for window in convert.windows(since, convert.today()):
            part: convert.Window | None = window
            while True:  # a window whose list came back full is read again up to its oldest day
                params = convert.window_params(part)
                pages.append(await self.tapi_result(schemas.TransHistory, "transHistory", params))
                part = convert.older_part(part, pages[-1])
                if part is None:
                    break
        return pages

    async def fetch_deposits(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Deposit]:
        """Pages backwards through 7-day windows when ``since`` is older than that."""
        pages = [convert.transfers(Deposit, p.deposit, asset) for p in await self._trans_history(since)]
        return convert.merge_transfers(pages, since, limit)

    async def fetch_withdrawals(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Withdrawal]:
        pages = [convert.transfers(Withdrawal, p.withdraw, asset) for p in await self._trans_history(since)]
        return convert.merge_transfers(pages, since, limit)

    async def withdraw_networks(self, asset: str) -> list[str]:
        """The networks ``asset`` can leave on (getInfo's network map)."""
        return convert.networks(await self._info(), asset.lower())

    async def fetch_withdraw_fee(self, asset: str, network: str | None = None) -> Decimal:
        params = [("currency", asset.lower())] + ([("network", network)] if network else [])
        return (await self.tapi_result(schemas.WithdrawFee, "withdrawFee", params)).withdraw_fee

    async def withdraw(
        self,
        asset: str,
        amount: Decimal,
        address: str,
        *,
        memo: str | None = None,
        network: str | None = None,
        request_id: str | None = None,
    ) -> Withdrawal:
        """``request_id`` is Indodax's idempotency key (generated when not given); the callback the
        exchange makes before executing is answered by ``self.withdrawal_callbacks``. ``network`` is
        always sent ("network | string | yes"): when not given it is the asset's only network in
        getInfo, and NetworkRequired lists them when there are several."""
        network = network or await self._only_network(asset)
        target = [("withdraw_address", address), ("network", network)]
        return await self._withdraw(asset, amount, target, memo, request_id, network)

    async def _only_network(self, asset: str) -> str:
        networks = convert.networks(await self._info(), asset.lower())
        if len(networks) == 1:
            return networks[0]
        where = {"exchange": EXCHANGE, "endpoint": "withdrawCoin"}
        if not networks:
            raise errors.InvalidRequest(f"Indodax lists no network for {asset.upper()}", **where)
        raise errors.NetworkRequired(
            f"{asset.upper()} leaves on several networks: choose one of {', '.join(networks)}",
            networks=networks,
            **where,
        )

    async def withdraw_to_username(
        self,
        asset: str,
        amount: Decimal,
        username: str,
        *,
        memo: str | None = None,
        request_id: str | None = None,
    ) -> Withdrawal:
        """withdrawCoin to another Indodax user by username (no fee)."""
        target = [("withdraw_input_method", "username"), ("withdraw_username", username)]
        return await self._withdraw(asset, amount, target, memo, request_id, None)

    async def _withdraw(
        self,
        asset: str,
        amount: Decimal,
        target: list[tuple[str, str]],
        memo: str | None,
        request_id: str | None,
        network: str | None,
    ) -> Withdrawal:
        rid = request_id or uuid.uuid4().hex
        if len(rid) > REQUEST_ID_MAX or not _REQUEST_ID.match(rid):
            raise errors.InvalidRequest(
                f"request_id must be alphanumeric, at most {REQUEST_ID_MAX} characters",
                exchange=EXCHANGE,
                endpoint="withdrawCoin",
            )
        params = [
            ("currency", asset.lower()),
            *target,
            ("withdraw_amount", decimal_text(amount)),
            *([("withdraw_memo", memo)] if memo else []),
            ("request_id", rid),
        ]
        expected = dict(params)
        await self.withdrawal_callbacks.expect(rid, {**expected, "withdraw_currency": asset.lower()})
        data = await self.tapi("withdrawCoin", params, write=True)
        with errors.reading_write_answer(EXCHANGE, "withdrawCoin"):
            raw = self.parse(schemas.WithdrawResult, data, "withdrawCoin")
        return Withdrawal(
            id=str(raw.withdraw_id),
            asset=raw.withdraw_currency.upper(),
            amount=raw.withdraw_amount,
            fee=raw.fee,
            status=convert.transfer_status(raw.status),
            address=raw.withdraw_address or raw.withdraw_username or None,
            memo=memo,
            network=network,
            txid=raw.txid or None,
            timestamp=convert.when(raw.submit_time),
            raw_status=raw.status,
            request_id=rid,
        )
