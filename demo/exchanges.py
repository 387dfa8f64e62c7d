"""The five exchange simulators of the demo: demo seeds (moving prices), per-exchange balances, and an
account history (trades, open orders, deposits, withdrawals, exchanger bids) so every screen has
something to show from the first command."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

from aiohttp import web

from sandbox.exchanges.common import STATE_KEY, InsufficientBalance, SimExchangeState, running
from sandbox.exchanges.common.orders import Side
from sandbox.exchanges.common.seed import Seed, SeedAccount, demo_seed

EXCHANGES = ("incorex", "indodax", "iqfinex", "narkasa", "exchanger")
DEMO_ACCOUNT = "alice"  # the seed account whose keys the bot's accounts use
DAY_S = 86_400.0

# Different holdings per exchange, so the portfolio view has something to add up.
_BALANCES: dict[str, dict[str, Decimal]] = {
    "incorex": {
        "USDT": Decimal("182450.25"),
        "BTC": Decimal("2.84"),
        "ETH": Decimal("31.5"),
        "LTC": Decimal(120),
    },
    "indodax": {"IDR": Decimal(2_150_000_000), "BTC": Decimal("0.75"), "ETH": Decimal("12.3")},
    "iqfinex": {"USDT": Decimal(48_200), "BTC": Decimal("1.2"), "ETH": Decimal(64), "LTC": Decimal(15)},
    "narkasa": {"USDT": Decimal(96_300), "BTC": Decimal("0.42"), "ETH": Decimal("8.75"), "LTC": Decimal(210)},
    "exchanger": {"USDT": Decimal(25_000), "BTC": Decimal("0.5"), "ETH": Decimal(5), "LTC": Decimal(40)},
}
_ADDRESSES = {
    "BTC": "bc1qdemo7w3u0xk2v9p4y8r6t5s3q2n0m9l8k7j6h",
    "ETH": "0xDe0000000000000000000000000000000000d3m0",
    "LTC": "ltc1qdemo0k4m5n6p7q8r9s0t1u2v3w4x5y6z7a8b9",
    "USDT": "TDemoTronAddr1111111111111111111111",
    "IDR": "BCA 1234567890",
}


@dataclass(frozen=True)
class RunningExchange:
    name: str
    base_url: str
    account: SeedAccount  # the demo account, with its keys
    app: web.Application

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/v3"  # Narkasa's stream path


def demo_seed_for(name: str) -> Seed:
    """The core's demo seed (prices drifting every 5 s, 60 back-dated market trades, fees, 15 s
    withdrawals) with this exchange's own balances for the demo account."""
    seed = demo_seed(name)
    demo = dataclasses.replace(seed.account(DEMO_ACCOUNT), balances=_BALANCES[name])
    return seed.replace(accounts=(demo, *(a for a in seed.accounts if a.name != DEMO_ACCOUNT)))


def create_simulator(name: str, seed: Seed) -> web.Application:
    module = importlib.import_module(f"sandbox.exchanges.{name}")
    app = module.create_app(seed)
    assert isinstance(app, web.Application)
    return app


@contextlib.asynccontextmanager
async def running_exchanges(host: str = "127.0.0.1") -> AsyncIterator[list[RunningExchange]]:
    """Serve the five simulators on free ports, in this process, until the block ends."""
    async with contextlib.AsyncExitStack() as stack:
        started = []
        for name in EXCHANGES:
            seed = demo_seed_for(name)
            app = create_simulator(name, seed)
            add_history(name, app, rng=random.Random(f"demo:{name}"))
            base_url = await stack.enter_async_context(running(app, host=host))
            started.append(RunningExchange(name, base_url, seed.account(DEMO_ACCOUNT), app))
        yield started


def add_history(name: str, app: web.Application, rng: random.Random) -> None:
    """The demo account's own activity over the last 2.6 days, back-dated on the simulator's clock:
    inside the 3 days the bot's history screens look back by default."""
    state = app[STATE_KEY]
    if name == "exchanger":
        _exchanger_bids(app, state)  # a site that swaps coins: no trades, deposits or withdrawals
        return
    _trades_and_orders(state, rng)
    _transfers(state, rng)


def _trades_and_orders(state: SimExchangeState, rng: random.Random) -> None:
    now = state.clock.now()
    for symbol, book in state.books.items():
        market = state.seed.market(symbol)
        for i in range(4):
            side: Side = "buy" if i % 2 == 0 else "sell"
            amount = _amount(market.min_amount * Decimal(rng.randint(200, 2000)), market.amount_step)
            with (
                state.clock.pinned(now - DAY_S * (2.4 - i * 0.6) - rng.uniform(0, 3600)),
                contextlib.suppress(InsufficientBalance),  # a market whose coin the account lacks
            ):
                state.place_order(DEMO_ACCOUNT, symbol, side, "market", amount=amount)
        # Two resting orders 4 % away from the market: /orders has content, and as prices drift one
        # of them may fill during the demo (a fill notification).
        mid = book.reference_price() or market.mid
        quotes: tuple[tuple[Side, Decimal], ...] = (("buy", Decimal("0.96")), ("sell", Decimal("1.04")))
        for side, factor in quotes:
            amount = _amount(market.min_amount * Decimal(rng.randint(100, 500)), market.amount_step)
            price = (mid * factor).quantize(market.price_step)
            with contextlib.suppress(InsufficientBalance):
                state.place_order(DEMO_ACCOUNT, symbol, side, "limit", amount, price)


def _transfers(state: SimExchangeState, rng: random.Random) -> None:
    now = state.clock.now()
    holdings = state.balances(DEMO_ACCOUNT)
    assets = [asset for asset, holding in holdings.items() if holding.free > 0]
    for i, asset in enumerate(assets[:3]):
        free = holdings[asset].free
        with state.clock.pinned(now - DAY_S * (2.6 - i * 0.4) - rng.uniform(0, 3600)):
            deposit = _amount(free * Decimal("0.1"), Decimal("0.0001"))
            state.transfers.inject_deposit(DEMO_ACCOUNT, asset, deposit, _ADDRESSES.get(asset), delay=0)
        with state.clock.pinned(now - DAY_S * (1.5 - i * 0.5) - rng.uniform(0, 3600)):
            amount = _amount(free * Decimal("0.05"), Decimal("0.0001"))
            fee = state.withdrawal_fee(asset)
            withdrawal = state.transfers.request_withdrawal(
                DEMO_ACCOUNT, asset, amount, _ADDRESSES.get(asset, "demo-address"), fee=fee
            )
            state.transfers.complete(withdrawal.id)


def _exchanger_bids(app: web.Application, state: SimExchangeState) -> None:
    from sandbox.exchanges.exchanger import SITE_KEY  # only this simulator has bids

    site = app[SITE_KEY]
    now = state.clock.now()
    for i, direction in enumerate(list(site.directions.values())[:3]):
        # 2 % of what the account holds of the coin it gives, priced by the site's course.
        holding = _BALANCES["exchanger"].get(direction.give.code, Decimal(1))
        give, get = direction.amounts(_amount(holding * Decimal("0.02"), Decimal("0.0001")), 1)
        with state.clock.pinned(now - DAY_S * (2 - i * 0.5) - 600):
            bid = site.bids.create(DEMO_ACCOUNT, direction, give, get, api_id=f"demo-{i}")
            site.bids.pay(bid)
        with state.clock.pinned(now - DAY_S * (2 - i * 0.5)):
            site.bids.succeed(bid)


def _amount(value: Decimal, step: Decimal) -> Decimal:
    return max(value.quantize(step), step)
