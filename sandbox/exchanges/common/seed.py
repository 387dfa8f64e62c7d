"""What a simulated exchange starts with: accounts (keys, permissions, balances), markets, delays, fees.

Keys are derived from (exchange, account name), so tests know them without reading the seed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ALL_PERMISSIONS = frozenset({"view", "trade", "withdraw"})
ZERO = Decimal(0)


def derive_secret(exchange: str, account: str, what: str, length: int = 64) -> str:
    """Deterministic hex credential: ``what`` is "key", "secret" or "login"."""
    digest = hashlib.sha256(f"sandbox:{exchange}:{account}:{what}".encode()).hexdigest()
    return (digest * 2)[:length]


@dataclass(frozen=True)
class SeedAccount:
    name: str
    api_key: str
    api_secret: str
    api_login: str = ""
    permissions: frozenset[str] = ALL_PERMISSIONS
    balances: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def derived(
        cls,
        exchange: str,
        name: str,
        balances: Mapping[str, Decimal] | None = None,
        permissions: frozenset[str] = ALL_PERMISSIONS,
    ) -> SeedAccount:
        """An account whose key is ``derive_secret(exchange, name, "key", 32)``, secret 64 hex, login 16."""
        return cls(
            name=name,
            api_key=derive_secret(exchange, name, "key", 32),
            api_secret=derive_secret(exchange, name, "secret"),
            api_login=derive_secret(exchange, name, "login", 16),
            permissions=permissions,
            balances=dict(balances or {}),
        )


@dataclass(frozen=True)
class SeedMarket:
    """``symbol`` is unified ("BTC/USDT"); ``id`` is the exchange's own spelling (simulators may derive it).
    The market maker keeps ``levels`` orders of ``level_size`` each side around ``mid``."""

    symbol: str
    mid: Decimal
    price_precision: int = 2
    amount_precision: int = 8
    min_amount: Decimal = Decimal("0.0001")
    min_cost: Decimal = Decimal(1)
    levels: int = 5
    level_size: Decimal = Decimal(1)
    spread: Decimal = Decimal("0.002")
    step: Decimal = Decimal("0.001")
    id: str = ""

    @property
    def base(self) -> str:
        return self.symbol.split("/")[0]

    @property
    def quote(self) -> str:
        return self.symbol.split("/")[1]

    @property
    def price_step(self) -> Decimal:
        return Decimal(1).scaleb(-self.price_precision)

    @property
    def amount_step(self) -> Decimal:
        return Decimal(1).scaleb(-self.amount_precision)


# Every mid is a price in USDT times the quote's rate, so a coin is worth the same whichever market
# prices it: BTC/IDR over USDT/IDR is BTC/USDT, and a valuation's routes agree within the spread.
_USDT_PRICES: dict[str, Decimal] = {"BTC": Decimal(60000), "ETH": Decimal(3000), "LTC": Decimal(80)}
_UNLISTED_USDT_PRICE = Decimal(100)  # a coin the table does not name
# quote -> (units per USDT, price precision, precision of prices from 10,000 up); the rates keep BTC
# at 1,000,000,000 IDR and 2,000,000 TRY
_QUOTES: dict[str, tuple[Decimal, int, int]] = {
    "USDT": (Decimal(1), 2, 2),
    "IDR": (Decimal(1_000_000_000) / 60000, 0, 0),
    "TRY": (Decimal(2_000_000) / 60000, 2, 0),
}


def seed_mid(base: str, quote: str) -> tuple[Decimal, int]:
    """The mid of BASE/QUOTE and its price precision (a quote the table does not name is like USDT)."""
    rate, precision, big_precision = _QUOTES.get(quote, _QUOTES["USDT"])
    mid = (Decimal(1) if base == "USDT" else _USDT_PRICES.get(base, _UNLISTED_USDT_PRICE)) * rate
    if mid >= 10_000:
        precision = big_precision
    return mid.quantize(Decimal(1).scaleb(-precision)), precision


def default_markets(quote: str = "USDT", bases: tuple[str, ...] = ("BTC", "ETH")) -> tuple[SeedMarket, ...]:
    markets = []
    for base in bases:
        mid, precision = seed_mid(base, quote)
        markets.append(
            SeedMarket(
                symbol=f"{base}/{quote}",
                mid=mid,
                price_precision=precision,
                min_cost=Decimal(10000) if quote == "IDR" else Decimal(1),
            )
        )
    return tuple(markets)


@dataclass(frozen=True)
class Seed:
    exchange: str = "sim"
    accounts: tuple[SeedAccount, ...] = ()
    markets: tuple[SeedMarket, ...] = ()
    withdrawal_delay: float = 2.0
    deposit_delay: float = 0.0
    maker_fee: Decimal = ZERO
    taker_fee: Decimal = ZERO
    withdrawal_fees: Mapping[str, Decimal] = field(default_factory=dict)
    maker_account: str = "market-maker"
    history_trades: int = 0
    first_id: int = 1
    drift_interval: float = 0.0
    """Seconds between random moves of every market's mid (0 = prices stay put); see ``attach``."""
    drift_volatility: Decimal = Decimal("0.002")

    @classmethod
    def default(cls, exchange: str = "sim", quote: str = "USDT") -> Seed:
        """Accounts "alice" (view, trade, withdraw) and "viewer" (view only); BTC and ETH markets in
        ``quote``; no fees; withdrawals done after 2 s."""
        rich = Decimal(1_000_000_000) if quote == "IDR" else Decimal(100_000)
        return cls(
            exchange=exchange,
            accounts=(
                SeedAccount.derived(exchange, "alice", {quote: rich, "BTC": Decimal(2), "ETH": Decimal(20)}),
                SeedAccount.derived(
                    exchange, "viewer", {quote: rich / 100, "BTC": Decimal("0.1")}, frozenset({"view"})
                ),
            ),
            markets=default_markets(quote),
        )

    def account(self, name: str) -> SeedAccount:
        for account in self.accounts:
            if account.name == name:
                return account
        raise KeyError(f"no account {name!r} in the seed")

    def market(self, symbol: str) -> SeedMarket:
        for market in self.markets:
            if market.symbol == symbol:
                return market
        raise KeyError(f"no market {symbol!r} in the seed")

    def replace(self, **changes: Any) -> Seed:
        return dataclasses.replace(self, **changes)


def demo_seed(exchange: str) -> Seed:
    """For ``--demo``: richer balances, realistic fees, trade history, slower withdrawals, moving prices."""
    quote = "IDR" if exchange == "indodax" else "USDT"
    base = Seed.default(exchange, quote)
    scale = Decimal(16000) if quote == "IDR" else Decimal(1)
    alice = dataclasses.replace(
        base.account("alice"),
        balances={
            quote: Decimal(250_000) * scale,
            "BTC": Decimal("3.5"),
            "ETH": Decimal(40),
            "LTC": Decimal(100),
        },
    )
    return base.replace(
        accounts=(alice, *base.accounts[1:]),
        # a fiat exchange also lists USDT, so its money converts directly, not only through a coin
        markets=default_markets(quote, ("BTC", "ETH", "LTC", *(("USDT",) if quote != "USDT" else ()))),
        maker_fee=Decimal("0.001"),
        taker_fee=Decimal("0.002"),
        withdrawal_delay=15.0,
        withdrawal_fees={"BTC": Decimal("0.0005"), "ETH": Decimal("0.005"), quote: Decimal(1) * scale},
        history_trades=60,
        drift_interval=5.0,
    )
