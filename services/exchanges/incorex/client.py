"""IncoreX client: every method of the published API behind the CCXT-style interface."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from services.exchanges import errors
from services.exchanges.base import ClientConfig, ExchangeClient
from services.exchanges.capabilities import Capability
from services.exchanges.jsonwire import decimal_text
from services.exchanges.models import (
    AccountInfo,
    Balance,
    Balances,
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
    TransferStatus,
    Withdrawal,
)
from services.exchanges.ratelimit import Priority, RateLimit, current_priority
from services.exchanges.transport import Request, Response

from . import convert, schemas
from .auth import IncorexSigner, SigningTurns
from .cache import FinishedDays
from .constants import (
    API_PREFIX,
    CURRENCY,
    DEFAULT_BASE_URL,
    DEPOSIT,
    DEPOSIT_ADDRESS,
    EXCHANGE,
    HISTORY_DEFAULT_LIMIT,
    MAX_LOOKBACK_DAYS,
    ORDER_BOOK,
    ORDER_BOOK_DEFAULT_LIMIT,
    ORDER_CANCEL,
    ORDER_CREATE,
    ORDER_TRADES,
    PAIR_SETTINGS,
    POSITION_WORD,
    RATE_LIMITS,
    RATE_OWNER,
    RATE_PERIOD,
    REQUIRED_AMOUNT,
    SERVER_DAY,
    TICKER,
    TODAY_REUSE_S,
    TRADES,
    USER_CANCELLED_ORDERS,
    USER_INFO,
    USER_OPEN_ORDERS,
    USER_TRADES,
    WALLET_HISTORY,
    WIRE_BY_ORDER_TYPE,
    WITHDRAW_CRYPT,
    WITHDRAW_GET_TXID,
    WITHDRAWAL,
    buckets_for,
)
from .errors import last_nonce, raise_for_error
from .models import OrderExecution, RequiredAmount, WalletDay, WithdrawalTxid

Shape = TypeVar("Shape", bound=BaseModel)
log = logging.getLogger(__name__)
Params = Sequence[tuple[str, str]]


class IncorexClient(ExchangeClient):
    exchange = EXCHANGE
    display_name = "IncoreX"
    capabilities = frozenset(
        {
            Capability.FETCH_MARKETS,
            Capability.FETCH_TICKERS,
            Capability.FETCH_ORDER_BOOK,
            Capability.FETCH_TRADES,
            Capability.FETCH_BALANCE,
            Capability.FETCH_OPEN_ORDERS,
            Capability.FETCH_CLOSED_ORDERS,
            Capability.FETCH_MY_TRADES,
            Capability.CREATE_LIMIT_ORDER,
            Capability.CREATE_MARKET_ORDER,
            Capability.CREATE_STOP_LIMIT_ORDER,
            Capability.CANCEL_ORDER,
            Capability.WITHDRAW,
            Capability.FETCH_DEPOSITS,
            Capability.FETCH_WITHDRAWALS,
            Capability.FETCH_DEPOSIT_ADDRESS,
        }
    )
    rate_limits = RATE_LIMITS
    default_base_url = DEFAULT_BASE_URL

    def __init__(self, config: ClientConfig, *, rate_limits: Sequence[RateLimit] | None = None) -> None:
        """``rate_limits`` replaces the documented ones (tests with shortened windows)."""
        super().__init__(config)
        self.nonces = self.make_nonce_source()
        credentials = config.credentials
        self._transport = self.make_transport(
            signer=IncorexSigner(credentials.api_key, credentials.api_secret, self.nonces),
            error_hook=self._raise_for_error,
            limiter=self.make_limiter(rate_limits),
        )
        # long enough for a request with its retries and a full rate-limit window of waiting
        hold = config.budget.total_s + config.budget.attempt_s + RATE_PERIOD
        self._crossed_ticker_logged = False
        self._turns = SigningTurns(config.redis, self._redis_key("signing", credentials.fingerprint()), hold)
        days_key = self._redis_key("wallet_day", credentials.fingerprint())
        self._finished_days = FinishedDays(config.redis, days_key)
        self._today: tuple[float, asyncio.Future[WalletDay]] | None = None

    def rate_owner(self) -> str:
        """IncoreX counts "from one IP address or from one user": all our accounts share the IP's window."""
        return RATE_OWNER

    def _raise_for_error(self, request: Request, response: Response) -> None:
        raise_for_error(self._transport, request, response)

    # -- wire ----------------------------------------------------------------------------------------

    async def _public(self, method: str, shape: type[Shape], params: Params = ()) -> Shape:
        request = Request("GET", API_PREFIX + method, method, query=params, buckets=buckets_for(method))
        return self.parse(shape, await self._transport.request(request), method)

    async def _private(
        self, method: str, shape: type[Shape], params: Params = (), write: bool = False
    ) -> Shape:
        credentials = self.config.credentials
        if not (credentials.api_key and credentials.api_secret):
            raise errors.AuthenticationError("no API key configured", exchange=EXCHANGE, endpoint=method)
        request = Request(
            "POST",
            API_PREFIX + method,
            method,
            form=params,
            write=write,
            buckets=buckets_for(method),
            signed=True,
        )
        async with self._turns.turn():
            answer = await self._send_with_nonce_resync(request)
        if write:
            with errors.reading_write_answer(EXCHANGE, method):
                return self.parse(shape, answer, method)
        return self.parse(shape, answer, method)

    async def _send_with_nonce_resync(self, request: Request) -> Any:
        try:
            return await self._transport.request(request)
        except errors.InvalidNonce as first:
            seen = last_nonce(first)
            if seen is not None:
                await self.nonces.advance_past(seen)
            # the document defines no error codes: a message that reads like a nonce error does not prove
            # a write was refused, so a write is never sent again (the next one gets the fresh nonce)
            if request.write:
                raise
        try:
            return await self._transport.request(request)
        except errors.InvalidNonce as second:
            raise errors.InvalidNonce(
                "nonce refused again after resynchronising: is another program signing with this API key?",
                exchange=EXCHANGE,
                endpoint=request.endpoint,
                code=second.code,
            ) from second

    # -- public --------------------------------------------------------------------------------------

    async def fetch_markets(self) -> list[Market]:
        settings = await self._public(PAIR_SETTINGS, schemas.PairSettings)
        return [convert.market(pair_id, raw) for pair_id, raw in settings.root.items()]

    async def currencies(self) -> list[str]:
        return (await self._public(CURRENCY, schemas.Currencies)).root

    async def fetch_tickers(self) -> dict[str, Ticker]:
        raw = await self._public(TICKER, schemas.Tickers)
        tickers = (self._uncrossed(convert.ticker(pair_id, row)) for pair_id, row in raw.root.items())
        return {ticker.symbol: ticker for ticker in tickers}

    def _uncrossed(self, ticker: Ticker) -> Ticker:
        """The document's labels and its example disagree on which of bid and ask comes first: we follow
        the example, and should the server ever follow the labels, an ask below the bid tells."""
        if ticker.ask is None or ticker.bid is None or ticker.ask >= ticker.bid:
            return ticker
        if not self._crossed_ticker_logged:
            self._crossed_ticker_logged = True
            log.warning(
                "incorex ticker has ask below bid (%s): reading its columns the other way", ticker.symbol
            )
        return ticker.model_copy(update={"bid": ticker.ask, "ask": ticker.bid})

    async def fetch_order_book(self, pair: str, limit: int | None = None) -> OrderBook:
        market = await self.market(pair)
        params = [("pair", market.id), ("limit", str(limit or ORDER_BOOK_DEFAULT_LIMIT))]
        books = await self._public(ORDER_BOOK, schemas.OrderBooks, params)
        return convert.order_book(market.symbol, _one(books.root, market.id, ORDER_BOOK))

    async def fetch_trades(self, pair: str, limit: int | None = None) -> list[PublicTrade]:
        market = await self.market(pair)
        raw = await self._public(TRADES, schemas.Trades, [("pair", market.id)])
        trades = [convert.public_trade(market.symbol, t) for t in _one(raw.root, market.id, TRADES)]
        trades.sort(key=lambda t: t.timestamp)
        return trades[-limit:] if limit else trades

    # -- account -------------------------------------------------------------------------------------

    async def _user_info(self) -> schemas.UserInfo:
        return await self._private(USER_INFO, schemas.UserInfo)

    async def fetch_account_info(self) -> AccountInfo:
        info = await self._user_info()
        return AccountInfo(details={"uid": info.uid, "server_time": info.server_time})

    async def fetch_balance(self) -> Balances:
        info = await self._user_info()
        assets = sorted({*info.balances, *info.reserved})
        return Balances(
            assets={
                asset.upper(): Balance(
                    asset=asset.upper(),
                    free=info.balances.get(asset, Decimal(0)),
                    reserved=info.reserved.get(asset, Decimal(0)),
                )
                for asset in assets
            }
        )

    async def fetch_open_orders(self, pair: str | None = None) -> list[Order]:
        wanted = (await self.market(pair)).id if pair else None
        raw = await self._private(USER_OPEN_ORDERS, schemas.OpenOrders)
        return [
            convert.order(o, OrderStatus.OPEN, USER_OPEN_ORDERS)
            for pair_id, orders in raw.root.items()
            if wanted is None or pair_id == wanted
            for o in orders
        ]

    async def fetch_closed_orders(self, pair: str | None = None, limit: int | None = None) -> list[Order]:
        """IncoreX lists cancelled orders only; filled orders show up as trades."""
        wanted = (await self.market(pair)).id if pair else None
        params = [("offset", "0"), ("limit", str(limit or HISTORY_DEFAULT_LIMIT))]
        raw = await self._private(USER_CANCELLED_ORDERS, schemas.CancelledOrders, params)
        return [
            convert.order(o, OrderStatus.CANCELED, USER_CANCELLED_ORDERS)
            for o in raw.root
            if wanted is None or o.pair == wanted
        ]

    async def fetch_my_trades(self, pair: str | None = None, limit: int | None = None) -> list[Trade]:
        markets = [await self.market(pair)] if pair else (await self.load_markets()).markets
        params = [
            ("pair", ",".join(m.id for m in markets)),
            ("offset", "0"),
            ("limit", str(limit or HISTORY_DEFAULT_LIMIT)),
        ]
        raw = await self._private(USER_TRADES, schemas.UserTrades, params)
        trades = [convert.trade(t, USER_TRADES) for rows in raw.root.values() for t in rows]
        trades.sort(key=lambda t: (t.timestamp or datetime.min.replace(tzinfo=UTC), t.id))
        return trades[-limit:] if limit else trades

    async def order_trades(self, order_id: str) -> OrderExecution:
        raw = await self._private(ORDER_TRADES, schemas.RawOrderTrades, [("order_id", order_id)])
        return OrderExecution(
            order_id=order_id,
            side=convert.side(raw.position, ORDER_TRADES),
            type=convert.order_type(raw.type, ORDER_TRADES),
            in_currency=raw.in_currency,
            in_amount=raw.in_amount,
            out_currency=raw.out_currency,
            out_amount=raw.out_amount,
            percent_filled=raw.percent_succesfull,
            trades=[convert.trade(t, ORDER_TRADES) for t in raw.trades],
        )

    async def required_amount(self, pair: str, quantity: Decimal) -> RequiredAmount:
        market = await self.market(pair)
        params = [("pair", market.id), ("quantity", decimal_text(quantity))]
        raw = await self._private(REQUIRED_AMOUNT, schemas.RawRequiredAmount, params)
        return RequiredAmount(
            symbol=market.symbol, quantity=raw.quantity, amount=raw.amount, average_price=raw.avg_price
        )

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
        """For a stop-limit order ``stop_price`` is the trigger (the wire's ``price``) and ``price`` the
        limit (the wire's ``limitprice``). IncoreX has no client order ids."""
        self.require_key(Capability.CLIENT_ORDER_ID, client_order_id)
        market = await self.market(pair)
        params = [("pair", market.id), ("quantity", decimal_text(amount))]
        if type is OrderType.STOP_LIMIT:
            if price is None or stop_price is None:
                raise _invalid_order("a stop-limit order needs a price and a stop price")
            params += [("price", decimal_text(stop_price)), ("limitprice", decimal_text(price))]
        elif type is OrderType.LIMIT:
            if price is None:
                raise _invalid_order("a limit order needs a price")
            params.append(("price", decimal_text(price)))
        else:  # market: the document's example sends a price; the current best one unless given
            params.append(
                ("price", decimal_text(price if price is not None else await self._best_price(market, side)))
            )
        params += [("position", POSITION_WORD[side]), ("type", WIRE_BY_ORDER_TYPE[type])]
        created = await self._private(ORDER_CREATE, schemas.OrderCreated, params, write=True)
        return Order(
            id=str(created.order_id),
            symbol=market.symbol,
            side=side,
            type=type,
            # a market order executes at once: what it got is in order_trades
            status=OrderStatus.UNKNOWN if type is OrderType.MARKET else OrderStatus.OPEN,
            amount=amount,
            price=price,
            stop_price=stop_price,
            timestamp=datetime.now(UTC),
        )

    async def _best_price(self, market: Market, side: OrderSide) -> Decimal:
        ticker = await self.fetch_ticker(market.symbol)
        best = ticker.ask if side is OrderSide.BUY else ticker.bid
        if not best:
            raise _invalid_order(f"no {'ask' if side is OrderSide.BUY else 'bid'} to price a market order at")
        return best

    async def cancel_order(self, order_id: str, pair: str | None = None) -> Order | None:
        """IncoreX answers only ok: there is no order to return."""
        await self._private(ORDER_CANCEL, schemas.Envelope, [("order_id", order_id)], write=True)
        return None

    # -- wallet --------------------------------------------------------------------------------------

    async def deposit_addresses(self) -> dict[str, str]:
        return (await self._private(DEPOSIT_ADDRESS, schemas.DepositAddresses)).root

    async def fetch_deposit_address(self, asset: str, network: str | None = None) -> DepositAddress:
        addresses = {k.upper(): v for k, v in (await self.deposit_addresses()).items()}
        address = addresses.get(asset.upper())
        if not address:
            raise errors.InvalidRequest(
                f"no deposit address for {asset.upper()}", exchange=EXCHANGE, endpoint=DEPOSIT_ADDRESS
            )
        return DepositAddress(asset=asset.upper(), address=address)

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
        """``withdraw_crypt`` takes currency, amount and address only: no memo, network or idempotency key."""
        self.require_key(Capability.WITHDRAW_REQUEST_ID, request_id)
        for name, value in (("memo", memo), ("network", network)):
            if value is not None:
                raise self.not_supported(f"withdraw {name}")
        params = [("amount", decimal_text(amount)), ("currency", asset.upper()), ("address", address)]
        created = await self._private(WITHDRAW_CRYPT, schemas.WithdrawCreated, params, write=True)
        return Withdrawal(
            id=str(created.task_id),
            asset=asset.upper(),
            amount=amount,
            address=address,
            status=TransferStatus.PENDING,
            timestamp=datetime.now(UTC),
        )

    async def withdraw_get_txid(self, task_id: str) -> WithdrawalTxid:
        raw = await self._private(WITHDRAW_GET_TXID, schemas.WithdrawTxid, [("task_id", task_id)])
        return WithdrawalTxid(task_id=task_id, txid=raw.txid or None)

    async def wallet_history(self, day: datetime | None = None) -> WalletDay:
        """One day of wallet operations (the current day when ``day`` is None); a finished day is kept."""
        if day is None:
            # a member's read is always fresh; background ones (the watchers) share (TODAY_REUSE_S)
            if current_priority() is Priority.BACKGROUND:
                return await self._current_day()
            return await self._wallet_day(None)
        if (kept := await self._finished_days.get(day)) is not None:
            return kept
        return await self._wallet_day(day)

    async def _current_day(self) -> WalletDay:
        # The watchers of one round (deposits, outside withdrawals, the bot's own withdrawals) all read
        # today at once: one request serves them, within the wallet API's 10 a minute.
        now = time.monotonic()
        if self._today is None or now - self._today[0] >= TODAY_REUSE_S or self._failed(self._today[1]):
            self._today = (now, asyncio.ensure_future(self._wallet_day(None)))
        return await asyncio.shield(self._today[1])

    @staticmethod
    def _failed(fetch: asyncio.Future[WalletDay]) -> bool:
        return fetch.done() and (fetch.cancelled() or fetch.exception() is not None)

    async def _wallet_day(self, day: datetime | None) -> WalletDay:
        params = [] if day is None else [("date", str(int(day.timestamp())))]
        raw = await self._private(WALLET_HISTORY, schemas.WalletHistory, params)
        entries = [convert.transfer(e) for e in raw.history if e.type in (DEPOSIT, WITHDRAWAL)]
        history = WalletDay(
            begin=raw.begin,
            end=raw.end,
            deposits=[e for e in entries if isinstance(e, Deposit)],
            withdrawals=[e for e in entries if isinstance(e, Withdrawal)],
        )
        if day is not None:
            await self._finished_days.keep(day, history)
        return history

    async def _history_days(self, since: datetime | None) -> list[WalletDay]:
        """The server's days from its current one back to the one holding ``since``. Days are the
        server's, not ours: ask for the day beginning at B with date B - 1, as the document's example
        does (date 1528239599 gives begin 1528239600, end 1528325999)."""
        days = [await self.wallet_history()]
        if since is None:
            return days
        cutoff = since.timestamp()
        if math.ceil((days[0].begin - cutoff) / SERVER_DAY) > MAX_LOOKBACK_DAYS:
            raise errors.InvalidRequest(
                f"wallet history is read one day per request: look back at most {MAX_LOOKBACK_DAYS} days",
                exchange=EXCHANGE,
                endpoint=WALLET_HISTORY,
            )
        while days[-1].begin > cutoff and len(days) <= MAX_LOOKBACK_DAYS:
            wanted = days[-1].begin - SERVER_DAY
            day = await self.wallet_history(datetime.fromtimestamp(wanted - 1, UTC))
            if day.begin >= days[-1].begin:  # the server did not go back: stop rather than loop
                log.warning(
                    "incorex wallet_history: asked for the day before %s, got %s", days[-1].begin, day.begin
                )
                break
            days.append(day)
        return days

    async def fetch_deposits(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Deposit]:
        found = [d for day in await self._history_days(since) for d in day.deposits]
        return _recent(found, asset, since, limit)

    async def fetch_withdrawals(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Withdrawal]:
        found = [w for day in await self._history_days(since) for w in day.withdrawals]
        return _recent(found, asset, since, limit)


Transfer = TypeVar("Transfer", Deposit, Withdrawal)
Row = TypeVar("Row")


def _recent(
    found: list[Transfer], asset: str | None, since: datetime | None, limit: int | None
) -> list[Transfer]:
    kept = [
        t
        for t in found
        if (asset is None or t.asset == asset.upper())
        and (since is None or t.timestamp is None or t.timestamp >= since)
    ]
    kept.sort(key=lambda t: (t.timestamp or datetime.min.replace(tzinfo=UTC), t.id))
    return kept[-limit:] if limit else kept


def _one(by_pair: dict[str, Row], pair_id: str, endpoint: str) -> Row:
    try:
        return by_pair[pair_id]
    except KeyError:
        raise errors.BadResponse(f"no data for {pair_id}", exchange=EXCHANGE, endpoint=endpoint) from None


def _invalid_order(message: str) -> errors.InvalidOrder:
    return errors.InvalidOrder(message, exchange=EXCHANGE, endpoint=ORDER_CREATE)
