"""What the IncoreX simulator keeps beyond the shared core: pair ids and limits, nonces, wallet switches."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.matching import MatchingBook
from sandbox.exchanges.common.ratelimit import DeclaredLimit
from sandbox.exchanges.common.seed import Seed, SeedAccount, SeedMarket
from sandbox.exchanges.common.state import SimExchangeState
from services.exchanges.incorex.constants import ErrorCode

from .wire import Refusal

MAX_QUANTITY = Decimal(1000)
MAX_PRICE_FACTOR = Decimal(100)  # max_price = mid * this
MAX_AMOUNT_FACTOR = Decimal(1000)  # max_amount = mid * this


@dataclass(frozen=True)
class PairLimits:
    min_quantity: Decimal
    max_quantity: Decimal
    min_price: Decimal
    max_price: Decimal
    min_amount: Decimal
    max_amount: Decimal

    @classmethod
    def of(cls, market: SeedMarket) -> PairLimits:
        return cls(
            min_quantity=market.min_amount,
            max_quantity=MAX_QUANTITY,
            min_price=market.price_step,
            max_price=market.mid * MAX_PRICE_FACTOR,
            min_amount=market.min_cost,
            max_amount=market.mid * MAX_AMOUNT_FACTOR,
        )


def pair_id(market: SeedMarket) -> str:
    return market.id or f"{market.base}_{market.quote}"


class IncorexState(SimExchangeState):
    def __init__(
        self,
        seed: Seed,
        *,
        clock: Clock | None = None,
        limits: tuple[DeclaredLimit, ...] = (),
        wallet_api: bool = True,
        withdrawals_blocked: bool = False,
    ) -> None:
        """``wallet_api``: wallet_history activated by support; ``withdrawals_blocked``: the 48 hours after
        API activation during which withdraw_crypt is refused."""
        super().__init__(seed, clock=clock, limits=limits)
        self.wallet_api = wallet_api
        self.withdrawals_blocked = withdrawals_blocked
        self.pairs: dict[str, SeedMarket] = {pair_id(m): m for m in self.seed.markets}
        self.pair_limits: dict[str, PairLimits] = {pid: PairLimits.of(m) for pid, m in self.pairs.items()}
        self.last_nonce: dict[str, int] = {}

    def market(self, pid: str) -> SeedMarket:
        market = self.pairs.get(pid.upper())
        if market is None:
            raise Refusal(ErrorCode.UNKNOWN_PAIR, pair=pid)
        return market

    def pair_book(self, pid: str) -> MatchingBook:
        return self.book(self.market(pid).symbol)

    def pair_of(self, symbol: str) -> str:
        return next(pid for pid, m in self.pairs.items() if m.symbol == symbol)

    def currencies(self) -> list[str]:
        seen: dict[str, None] = {}
        for market in self.seed.markets:
            seen.setdefault(market.base)
            seen.setdefault(market.quote)
        return list(seen)

    def deposit_address(self, account: SeedAccount, asset: str) -> str:
        digest = hashlib.sha256(f"incorex:{account.name}:{asset}".encode()).hexdigest()
        return f"{asset.lower()}1{digest[:32]}"

    def accept_nonce(self, api_key: str, nonce: int) -> None:
        """Nonces must grow per key; the refusal names the last one seen so a client can resynchronise."""
        last = self.last_nonce.get(api_key, 0)
        if nonce <= last:
            raise Refusal(ErrorCode.WRONG_NONCE, last=last)
        self.last_nonce[api_key] = nonce
