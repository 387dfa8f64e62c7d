"""Narkasa REST client (``/v3/api/...``): public market data, signed trading and balances.

Narkasa has no closed-order or single-order lookup: ``fetch_order`` finds an order among the open ones
(an order that is no longer open is reported by the user stream, see ``stream.NarkasaStream``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from .. import errors
from ..base import ClientConfig, ExchangeClient
from ..capabilities import Capability
from ..jsonwire import decimal_text
from ..models import (
    AccountInfo,
    Balances,
    Candle,
    Deposit,
    DepositAddress,
    Market,
    Order,
    OrderBook,
    OrderSide,
    OrderType,
    PublicTrade,
    Ticker,
    Trade,
    TransferStatus,
    Withdrawal,
)
from ..nonce import ServerClock
from ..symbols import unified
from ..transport import Request
from . import constants as c
from . import convert, schemas
from .auth import NarkasaSigner
from .errors import make_error_hook
from .models import Currency, DepositInfo, TopOfBook, WithdrawInfo
from .stream import NarkasaStream

M = TypeVar("M", bound=BaseModel)


class NarkasaClient(ExchangeClient):
    exchange = c.EXCHANGE
    display_name = c.DISPLAY_NAME
    default_base_url = c.BASE_URL
    rate_limits = c.RATE_LIMITS
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.FETCH_MARKETS,
            Capability.FETCH_TICKERS,
            Capability.FETCH_ORDER_BOOK,
            Capability.FETCH_TRADES,
            Capability.FETCH_OHLCV,
            Capability.FETCH_BALANCE,
            Capability.FETCH_OPEN_ORDERS,
            Capability.FETCH_ORDER,
            Capability.FETCH_MY_TRADES,
            Capability.CREATE_LIMIT_ORDER,
            Capability.CREATE_MARKET_ORDER,
            Capability.CREATE_STOP_LIMIT_ORDER,
            Capability.CANCEL_ORDER,
            Capability.WITHDRAW,
            Capability.FETCH_DEPOSITS,
            Capability.FETCH_WITHDRAWALS,
            Capability.FETCH_DEPOSIT_ADDRESS,
            Capability.WATCH_TICKERS,
            Capability.WATCH_USER,
        }
    )

    def __init__(self, config: ClientConfig, *, window_ms: int | None = None) -> None:
        super().__init__(config)
        self.clock = ServerClock()
        self.ws_url = config.ws_url or c.WS_URL
        self._streams: list[NarkasaStream] = []
        self._transport = self.make_transport(
            signer=NarkasaSigner(config.credentials, self.clock, window_ms),
            error_hook=make_error_hook(lambda *args: self._transport.error(*args)),
        )

    def stream(self, **options: Any) -> NarkasaStream:
        """A websocket stream on ``config.ws_url`` (default ``constants.WS_URL``); closed with the client."""
        stream = NarkasaStream(self, **options)
        self._streams.append(stream)
        return stream

    async def close(self) -> None:
        for stream in self._streams:
            await stream.close()
        await super().close()

    # -- plumbing ------------------------------------------------------------------------------------

    async def _call(
        self,
        path: str,
        params: Sequence[tuple[str, str]] = (),
        *,
        method: str = "GET",
        signed: bool = False,
        write: bool = False,
    ) -> Any:
        buckets = [c.PRIVATE_BUCKET] if signed else [c.PUBLIC_BUCKET]
        if write and path.startswith("market/"):
            buckets.append(c.ORDER_BUCKET)
        request = Request(
            method, c.API_PREFIX + path, path, query=params, write=write, buckets=buckets, signed=signed
        )
        try:
            return await self._transport.request(request)
        except errors.InvalidNonce:
            # rejected for its timestamp, so it did nothing: measure the clock and send it once more
            await self.fetch_time()
            return await self._transport.request(request)

    async def _get(self, model: type[M], path: str, params: Sequence[tuple[str, str]] = (), **kw: Any) -> M:
        return self.parse(model, await self._call(path, params, **kw), path)

    async def _symbol(self, market_id: str) -> str:
        found = (await self.load_markets()).by_id(market_id)
        return found.symbol if found else market_id

    # -- general -------------------------------------------------------------------------------------

    async def ping(self) -> bool:
        return (await self._get(schemas.DataReply, c.PING)).data == "PONG"

    async def fetch_time(self) -> datetime:
        """The server's clock; also measures the offset every signed timestamp is corrected by."""
        sent = int(time.time() * 1000)
        reply = await self._get(schemas.DataReply, c.TIME)
        received = int(time.time() * 1000)
        if not isinstance(reply.data, int | Decimal):
            raise errors.BadResponse("time is not a number", exchange=self.exchange, endpoint=c.TIME)
        self.clock.update(int(reply.data), sent, received)
        return convert.from_ms(int(reply.data))

    # -- market data ---------------------------------------------------------------------------------

    async def fetch_markets(self) -> list[Market]:
        reply = await self._get(schemas.MarketsReply, c.MARKETS)
        return [m for m in map(convert.market_from_ticker, reply.markets) if m is not None]

    async def fetch_tickers(self) -> dict[str, Ticker]:
        reply = await self._get(schemas.MarketsReply, c.MARKETS)
        tickers = {}
        for raw in reply.markets:
            if raw.firstSymbol and raw.secondSymbol:
                symbol = unified(raw.firstSymbol, raw.secondSymbol)
            else:
                symbol = await self._symbol(raw.symbol)
            tickers[symbol] = convert.ticker(raw, symbol)
        return tickers

    async def fetch_ticker(self, pair: str) -> Ticker:
        market = await self.market(pair)
        reply = await self._get(schemas.TickerReply, c.TICKER_24H, [("symbol", market.id)])
        return convert.ticker(reply.market, market.symbol)

    async def fetch_market_info(self, pair: str) -> Market:
        """The pair with its limits, precision and fees (``market/info``)."""
        market = await self.market(pair)
        reply = await self._get(schemas.InfoReply, c.INFO, [("symbol", market.id)])
        return convert.market_from_info(reply.info)

    async def fetch_ohlcv(
        self, pair: str, interval: str = "1h", since: datetime | None = None, limit: int | None = None
    ) -> list[Candle]:
        native = c.INTERVALS.get(interval)
        if native is None:
            raise self.not_supported(f"interval {interval}")
        market = await self.market(pair)
        params = [("symbol", market.id), ("interval", native)]
        if since is not None:
            params.append(("startDate", str(convert.to_ms(since))))
        reply = await self._get(schemas.CandlesReply, c.CANDLES, params)
        candles = sorted(map(convert.candle, reply.candles), key=lambda k: k.timestamp)
        return candles[-limit:] if limit else candles

    async def fetch_order_book(self, pair: str, limit: int | None = None) -> OrderBook:
        market = await self.market(pair)
        reply = await self._get(schemas.BookReply, c.DEPTH, [("symbol", market.id)])
        return convert.order_book(reply.book, market.symbol, limit)

    async def fetch_top_of_book(self, pair: str) -> TopOfBook:
        """The best bid and ask only (``market/orderbook``)."""
        market = await self.market(pair)
        reply = await self._get(schemas.BookReply, c.ORDERBOOK, [("symbol", market.id)])
        return convert.top_of_book(reply.book, market.symbol)

    async def fetch_trades(self, pair: str, limit: int | None = None) -> list[PublicTrade]:
        market = await self.market(pair)
        reply = await self._get(schemas.TradesReply, c.TRADES, [("symbol", market.id)])
        trades = sorted((convert.public_trade(t, market.symbol) for t in reply.trades), key=convert.when)
        return trades[-limit:] if limit else trades

    # -- account -------------------------------------------------------------------------------------

    async def fetch_account_info(self) -> AccountInfo:
        """The document's authentication test: ``POST balance/wallet``."""
        await self._call(c.WALLET, method="POST", signed=True)
        return AccountInfo()

    async def fetch_balance(self) -> Balances:
        reply = await self._get(schemas.WalletReply, c.WALLET, signed=True)
        return convert.balances(reply.wallet)

    async def fetch_currencies(self) -> list[Currency]:
        reply = await self._get(schemas.CurrenciesReply, c.CURRENCIES, signed=True)
        return [Currency(id=x.id, asset=x.symbol.upper(), name=x.name) for x in reply.currencies]

    async def fetch_open_orders(self, pair: str | None = None) -> list[Order]:
        wanted = (await self.market(pair)).symbol if pair else None
        reply = await self._get(schemas.OrdersReply, c.USER_ORDERS, signed=True)
        orders = [convert.order(o, await self._symbol(o.market)) for o in reply.orders]
        return [o for o in orders if wanted is None or o.symbol == wanted]

    async def fetch_order(self, order_id: str, pair: str | None = None) -> Order:
        for order in await self.fetch_open_orders(pair):
            if order.id == order_id:
                return order
        raise errors.OrderNotFound(
            f"order {order_id} is not open (Narkasa lists open orders only)",
            exchange=self.exchange,
            endpoint=c.USER_ORDERS,
        )

    async def fetch_my_trades(self, pair: str | None = None, limit: int | None = None) -> list[Trade]:
        wanted = (await self.market(pair)).symbol if pair else None
        reply = await self._get(schemas.UserTradesReply, c.USER_TRADES, signed=True)
        trades = [convert.user_trade(t, await self._symbol(t.symbol)) for t in reply.trades]
        trades = sorted((t for t in trades if wanted is None or t.symbol == wanted), key=convert.when)
        return trades[-limit:] if limit else trades

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
        params = [("symbol", market.id)]
        if type is not OrderType.MARKET:
            if price is None:
                raise errors.InvalidOrder("a price is required", exchange=self.exchange, endpoint="order")
            params.append(("price", decimal_text(price)))
        if type is OrderType.STOP_LIMIT:
            if stop_price is None:
                raise errors.InvalidOrder("a stop price is needed", exchange=self.exchange, endpoint="order")
            params.append(("target", decimal_text(stop_price)))
        params.append(("amount", decimal_text(amount)))
        return await self._place(c.ORDER_PATHS[(type, side)], params, market.symbol)

    async def create_fast_order(
        self, pair: str, side: OrderSide, *, amount: Decimal | None = None, total: Decimal | None = None
    ) -> Order:
        """A fast order: a buy spends ``total`` of the quote asset, a sell sells ``amount`` of the base."""
        market = await self.market(pair)
        size = ("total", total) if side is OrderSide.BUY else ("amount", amount)
        if size[1] is None:
            raise errors.InvalidOrder(
                f"a fast {side.value} needs {size[0]}", exchange=self.exchange, endpoint="fast_order"
            )
        params = [("symbol", market.id), (size[0], decimal_text(size[1]))]
        return await self._place(c.FAST_PATHS[side], params, market.symbol)

    async def _place(self, path: str, params: list[tuple[str, str]], symbol: str) -> Order:
        data = await self._call(path, params, method="POST", signed=True, write=True)
        with errors.reading_write_answer(self.exchange, path):
            return convert.order(self.parse(schemas.OrderReply, data, path).order, symbol)

    async def cancel_order(self, order_id: str, pair: str | None = None) -> Order | None:
        await self._call(c.CANCEL_ORDER, [("orderId", order_id)], method="POST", signed=True, write=True)
        return None

    # -- transfers -----------------------------------------------------------------------------------

    async def fetch_withdraw_info(self, asset: str) -> WithdrawInfo:
        """Withdraw channels (networks) of an asset with their fees and saved addresses."""
        params = [("symbol", asset.upper())]
        reply = await self._get(
            schemas.WithdrawInfoReply, c.WITHDRAW_INFO, params, method="POST", signed=True
        )
        return convert.withdraw_info(reply.currency)

    async def fetch_deposit_info(self, asset: str) -> DepositInfo:
        """Deposit channels (networks, bank accounts) of an asset with their addresses."""
        params = [("symbol", asset.upper())]
        reply = await self._get(schemas.DepositInfoReply, c.DEPOSIT_INFO, params, method="POST", signed=True)
        return convert.deposit_info(reply.currency)

    async def fetch_deposit_address(self, asset: str, network: str | None = None) -> DepositAddress:
        info = await self.fetch_deposit_info(asset)
        for channel in info.channels:
            if channel.enabled and (network is None or channel.network.upper() == network.upper()):
                return DepositAddress(asset=info.asset, address=channel.address, network=channel.network)
        raise errors.InvalidRequest(
            f"no open deposit channel for {info.asset}" + (f" on {network}" if network else ""),
            exchange=self.exchange,
            endpoint=c.DEPOSIT_INFO,
        )

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
        self.require_key(Capability.WITHDRAW_REQUEST_ID, request_id)
        asset = asset.upper()
        node = network or await self._only_withdraw_channel(asset)
        params = [("symbol", asset), ("amount", decimal_text(amount)), ("address", address)]
        if memo:
            params.append(("secondParameter", memo))
        params.append(("node", node))
        sent_ms = self.clock.now_ms()
        await self._call(c.CREATE_WITHDRAW, params, method="POST", signed=True, write=True)
        accepted = Withdrawal(
            id="",
            asset=asset,
            amount=amount,
            status=TransferStatus.PENDING,
            address=address,
            memo=memo,
            network=node,
        )
        return await self._find_withdrawal(accepted, sent_ms)

    async def _only_withdraw_channel(self, asset: str) -> str:
        open_channels = [ch.network for ch in (await self.fetch_withdraw_info(asset)).channels if ch.enabled]
        if len(open_channels) != 1:
            raise errors.InvalidRequest(
                f"choose a network for {asset}: {', '.join(open_channels) or 'none is open'}",
                exchange=self.exchange,
                endpoint=c.CREATE_WITHDRAW,
            )
        return open_channels[0]

    async def _find_withdrawal(self, accepted: Withdrawal, sent_ms: int) -> Withdrawal:
        """create-withdraw answers no id: the newest matching history entry gives it (best effort)."""
        try:
            history = await self.fetch_withdrawals(accepted.asset)
        except errors.ExchangeError:
            return accepted  # the withdrawal itself was accepted; a failed lookup must not hide that
        earliest = convert.from_ms(sent_ms - 60_000)  # the two clocks may differ a little
        for item in reversed(history):
            if item.amount == accepted.amount and (item.timestamp or convert.EPOCH) >= earliest:
                return item.model_copy(
                    update={"address": accepted.address, "memo": accepted.memo, "network": accepted.network}
                )
        return accepted

    async def fetch_withdrawals(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Withdrawal]:
        reply = await self._get(schemas.HistoryReply, c.WITHDRAW_HISTORY, signed=True)
        items = [convert.transfer(x, Withdrawal, c.WITHDRAW_STATES) for x in reply.history]
        return convert.select(items, asset, since, limit)

    async def fetch_deposits(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Deposit]:
        reply = await self._get(schemas.HistoryReply, c.DEPOSIT_HISTORY, signed=True)
        items = [convert.transfer(x, Deposit, c.DEPOSIT_STATES) for x in reply.history]
        return convert.select(items, asset, since, limit)
