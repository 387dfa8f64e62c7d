"""Everything one simulated exchange knows, built from a Seed; each simulator composes or extends it."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable, Collection, Iterable
from decimal import Decimal
from typing import Any

from aiohttp import web

from sandbox.exchanges.common.clock import Clock, IdSource
from sandbox.exchanges.common.endpoints import EndpointOf
from sandbox.exchanges.common.faults import FaultPlan, fault_middleware
from sandbox.exchanges.common.jsonutil import plain
from sandbox.exchanges.common.ledger import Holding, Ledger
from sandbox.exchanges.common.maker import MarketMaker
from sandbox.exchanges.common.matching import MatchingBook
from sandbox.exchanges.common.orders import Fill, OrderNotFound, OrderType, Side, SimOrder
from sandbox.exchanges.common.ratelimit import (
    DeclaredLimit,
    RequestLog,
    ScopeOf,
    ServerRateLimiter,
    counting_middleware,
)
from sandbox.exchanges.common.seed import Seed, SeedAccount, SeedMarket
from sandbox.exchanges.common.transfers import TransferBook

PRICE_UNIT = "USDT"  # seeded prices are in USDT (see seed.py): it holds still while coins drift
MAX_DRIFT_CATCH_UP = 100  # steps applied at once when the clock jumps ahead

HISTORY_ACCOUNT = "history-taker"


class UnknownMarket(KeyError):
    pass


class SimExchangeState:
    def __init__(
        self, seed: Seed | None = None, *, clock: Clock | None = None, limits: Iterable[DeclaredLimit] = ()
    ) -> None:
        self.seed = seed or Seed.default()
        self.clock = clock or Clock()
        self.ids = IdSource(self.seed.first_id)
        self.ledger = Ledger()
        self.books: dict[str, MatchingBook] = {}
        self.makers: dict[str, MarketMaker] = {}
        self.orders: dict[str, SimOrder] = {}
        self.transfers = TransferBook(
            self.ledger,
            self.clock,
            self.ids,
            withdrawal_delay=self.seed.withdrawal_delay,
            deposit_delay=self.seed.deposit_delay,
        )
        self.limiter = ServerRateLimiter(limits)
        self.requests = RequestLog()
        self.faults = FaultPlan()
        self.accounts: dict[str, SeedAccount] = {a.name: a for a in self.seed.accounts}
        self._by_key = {a.api_key: a for a in self.seed.accounts}
        self._background: list[asyncio.Task[None]] = []
        for account in self.seed.accounts:
            for asset, amount in account.balances.items():
                self.ledger.credit(account.name, asset, amount)
        for market in self.seed.markets:
            self.add_market(market)
        if self.seed.history_trades:
            self._make_history(self.seed.history_trades)

    # accounts --------------------------------------------------------------------------------------

    def account(self, name: str) -> SeedAccount:
        try:
            return self.accounts[name]
        except KeyError:
            raise KeyError(f"no account {name!r}") from None

    def account_by_key(self, api_key: str) -> SeedAccount | None:
        return self._by_key.get(api_key)

    def account_by_login(self, api_login: str, api_key: str) -> SeedAccount | None:
        account = self._by_key.get(api_key)
        return account if account is not None and account.api_login == api_login else None

    def balances(self, account_id: str) -> dict[str, Holding]:
        return self.ledger.balances(account_id)

    def withdrawal_fee(self, asset: str) -> Decimal:
        return self.seed.withdrawal_fees.get(asset, Decimal(0))

    # markets and orders ----------------------------------------------------------------------------

    def add_market(self, market: SeedMarket) -> MatchingBook:
        book = MatchingBook(
            market.symbol,
            market.base,
            market.quote,
            self.ledger,
            self.seed.taker_fee,
            maker_fee_rate=self.seed.maker_fee,
            clock=self.clock,
            ids=self.ids,
            price_step=market.price_step,
            amount_step=market.amount_step,
        )
        book.on_order(self._remember)
        self.books[market.symbol] = book
        maker = MarketMaker(
            book,
            self.seed.maker_account,
            levels=market.levels,
            spread=market.spread,
            step=market.step,
            size=market.level_size,
        )
        self.makers[market.symbol] = maker
        maker.reprice(market.mid)
        return book

    def book(self, symbol: str) -> MatchingBook:
        try:
            return self.books[symbol]
        except KeyError:
            raise UnknownMarket(symbol) from None

    def place_order(
        self,
        account_id: str,
        symbol: str,
        side: Side,
        type: OrderType,
        amount: Decimal = Decimal(0),
        price: Decimal | None = None,
        *,
        stop_price: Decimal | None = None,
        quote_amount: Decimal | None = None,
        client_order_id: str | None = None,
    ) -> SimOrder:
        """Place and match; raises UnknownMarket, InvalidSimOrder or InsufficientBalance."""
        order = SimOrder(
            account_id,
            symbol,
            side,
            type,
            amount=amount,
            price=price,
            stop_price=stop_price,
            quote_amount=quote_amount,
            client_order_id=client_order_id,
        )
        self.book(symbol).place(order)
        return order

    def order(self, order_id: str) -> SimOrder:
        try:
            return self.orders[order_id]
        except KeyError:
            raise OrderNotFound(order_id) from None

    def cancel_order(self, order_id: str) -> SimOrder:
        """Raises OrderNotFound or OrderNotOpen."""
        order = self.order(order_id)
        return self.book(order.symbol).cancel(order_id)

    def order_by_client_id(self, account_id: str, client_order_id: str) -> SimOrder | None:
        for order in self.orders.values():
            if order.account_id == account_id and order.client_order_id == client_order_id:
                return order
        return None

    def orders_of(
        self, account_id: str, symbol: str | None = None, open_only: bool | None = None
    ) -> list[SimOrder]:
        """Oldest first; ``open_only`` True = open ones, False = closed ones, None = all."""
        return [
            o
            for o in self.orders.values()
            if o.account_id == account_id
            and (symbol is None or o.symbol == symbol)
            and (open_only is None or o.is_open == open_only)
        ]

    def trades_of(self, account_id: str, symbol: str | None = None) -> list[Fill]:
        """The account's fills, oldest first (a self-trade appears once)."""
        books = [self.book(symbol)] if symbol else list(self.books.values())
        fills = [
            f for book in books for f in book.trades if account_id in (f.maker_account_id, f.taker_account_id)
        ]
        return sorted(fills, key=lambda f: (f.time, int(f.id) if f.id.isdigit() else 0))

    def reprice(self, symbol: str, mid: Decimal) -> list[Fill]:
        """Move the market maker's quotes (and so the price); resting orders it crosses get filled."""
        self.book(symbol)
        return self.makers[symbol].reprice(mid)

    # serving ---------------------------------------------------------------------------------------

    def middlewares(
        self,
        endpoint_of: EndpointOf | None = None,
        *,
        scope_of: ScopeOf | None = None,
        writes: Collection[str] | Callable[[str], bool] = (),
    ) -> list[Any]:
        """Counting (every request lands in ``self.requests``) then fault injection; put them first."""
        return [
            counting_middleware(self.requests, endpoint_of, scope_of=scope_of, writes=writes),
            fault_middleware(self.faults, endpoint_of),
        ]

    def attach(self, app: web.Application, *, complete_transfers: bool = True) -> None:
        """Tie the state to the app's life: transfers completing on time, prices drifting (when the seed
        says so), hung faults released on shutdown."""
        app.on_shutdown.append(self.faults.on_shutdown)
        if complete_transfers:
            app.on_startup.append(self._start)
            app.on_cleanup.append(self._stop)

    async def _start(self, app: web.Application) -> None:
        self._background.append(asyncio.create_task(self.transfers.run()))
        if self.seed.drift_interval > 0:
            self._background.append(asyncio.create_task(self.drift_prices(self.seed.drift_interval)))

    async def drift_prices(self, interval: float) -> None:
        """Random-walk every coin (``seed.drift_volatility`` per step of ``interval`` s) until cancelled."""
        last = int(self.clock.now() // interval)
        while True:
            await asyncio.sleep(interval)
            now = int(self.clock.now() // interval)
            self.drift(range(max(last + 1, now - MAX_DRIFT_CATCH_UP), now + 1))
            last = now

    def drift(self, steps: range) -> None:
        """Move every market by its two coins' moves over these steps. A coin's move is seeded by the
        coin and the step's number on the clock, so every simulator moves it alike and its markets on
        different exchanges keep agreeing (as a portfolio's price routes must)."""
        if not steps:
            return
        for symbol, maker in self.makers.items():
            if maker.mid is None:
                continue
            book = self.books[symbol]
            mid = maker.mid
            for step in steps:
                mid *= self._coin_move(book.base, step) / self._coin_move(book.quote, step)
            tick = book.price_step
            self.reprice(symbol, mid.quantize(tick) if tick is not None else mid)

    def _coin_move(self, asset: str, step: int) -> Decimal:
        if asset == PRICE_UNIT:
            return Decimal(1)
        return (
            1
            + Decimal(str(random.Random(f"drift:{asset}:{step}").uniform(-1, 1))) * self.seed.drift_volatility
        )

    async def _stop(self, app: web.Application) -> None:
        for task in self._background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._background.clear()

    def reset_stats(self) -> None:
        self.requests.reset()
        self.limiter.reset()
        self.faults.injected.clear()

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests.per_endpoint(),
            "writes": self.requests.per_endpoint(write=True),
            "total": len(self.requests.requests),
            "faults_injected": dict(self.faults.injected),
            **self.limiter.stats(),
        }

    def dump(self) -> dict[str, Any]:
        """A JSON-ready picture of the whole exchange (for tests and debugging)."""
        self.transfers.complete_due()
        return plain(
            {
                "exchange": self.seed.exchange,
                "time": self.clock.now(),
                "balances": {
                    name: {
                        a: {"free": h.free, "reserved": h.reserved} for a, h in self.balances(name).items()
                    }
                    for name in self.ledger.accounts()
                },
                "markets": {
                    symbol: {
                        "last": book.last_price,
                        "bid": book.best_bid,
                        "ask": book.best_ask,
                        "mid": self.makers[symbol].mid,
                        "trades": len(book.trades),
                        "depth": book.depth(5),
                    }
                    for symbol, book in self.books.items()
                },
                "orders": [o for o in self.orders.values() if o.account_id in self.accounts],
                "transfers": self.transfers.query(),
                "faults": self.faults.active(),
            }
        )

    # internals -------------------------------------------------------------------------------------

    def _remember(self, order: SimOrder) -> None:
        self.orders[order.id] = order

    def _make_history(self, count: int) -> None:
        """Back-dated trades over the last day, prices on a deterministic random walk around each mid."""
        rng = random.Random(f"{self.seed.exchange}:history")
        now = self.clock.now()
        for market in self.seed.markets:
            book, maker = self.books[market.symbol], self.makers[market.symbol]
            mid = market.mid
            for i in range(count):
                with self.clock.pinned(now - 86_000 + i * 86_000 / count):
                    mid = (mid * Decimal(str(1 + rng.uniform(-0.004, 0.004)))).quantize(market.price_step)
                    maker.reprice(mid)
                    side: Side = "buy" if rng.random() < 0.5 else "sell"
                    amount = (market.level_size * Decimal(str(rng.uniform(0.05, 0.5)))).quantize(
                        market.amount_step
                    )
                    asset, need = (market.quote, amount * mid * 2) if side == "buy" else (market.base, amount)
                    self.ledger.credit(HISTORY_ACCOUNT, asset, need)
                    book.place(SimOrder(HISTORY_ACCOUNT, market.symbol, side, "market", amount=amount))
            maker.reprice(market.mid)
