"""The simulated Narkasa: the core state plus what is Narkasa's own (market ids, fast orders,
withdraw channels, deposit addresses, transfer state numbers)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from sandbox.exchanges.common import Seed, SeedMarket, SimExchangeState, SimTransfer
from services.exchanges.narkasa.constants import SERVER_LIMITS

from .wire import Refusal


@dataclass(frozen=True)
class Channel:
    name: str
    enabled: bool = True
    fee: Decimal = Decimal(0)
    minimum: Decimal = Decimal("0.0001")


DEFAULT_CHANNELS: dict[str, tuple[Channel, ...]] = {
    "USDT": (Channel("TRC20", fee=Decimal(1), minimum=Decimal(10)), Channel("ERC20", fee=Decimal(5))),
    "TRY": (Channel("VAKIFBANK", fee=Decimal(0), minimum=Decimal(10)),),
}


def default_seed() -> Seed:
    return Seed.default("narkasa", quote="USDT")


class NarkasaSim:
    def __init__(self, seed: Seed | None = None) -> None:
        self.core = SimExchangeState(seed or default_seed(), limits=SERVER_LIMITS)
        self.markets: dict[str, SeedMarket] = {(m.id or m.base + m.quote): m for m in self.core.seed.markets}
        self.fast_orders: set[str] = set()

    def market_id(self, symbol: str) -> str:
        for market_id, market in self.markets.items():
            if market.symbol == symbol:
                return market_id
        raise KeyError(symbol)

    def market(self, market_id: str) -> SeedMarket:
        try:
            return self.markets[market_id.upper()]
        except KeyError:
            raise Refusal("10037") from None

    def assets(self) -> list[str]:
        found = {a for m in self.markets.values() for a in (m.base, m.quote)}
        return sorted(found)

    def asset(self, symbol: str) -> str:
        if symbol.upper() not in self.assets():
            raise Refusal("10037")
        return symbol.upper()

    def channels(self, asset: str) -> tuple[Channel, ...]:
        fee = self.core.withdrawal_fee(asset)
        return DEFAULT_CHANNELS.get(asset, (Channel(asset, fee=fee),))

    def deposit_address(self, account: str, asset: str, channel: str) -> str:
        digest = hashlib.sha256(f"narkasa:{account}:{asset}:{channel}".encode()).hexdigest()
        return f"{channel.lower()}1{digest[:38]}"

    def withdraw_state(self, transfer: SimTransfer) -> int:
        """11 Pending, then 13 Resuming half-way to completion, 14 Completed, 98 Rejected, 99 Cancelled."""
        if transfer.status == "done":
            return 14
        if transfer.status == "failed":
            return 98
        if transfer.status == "cancelled":
            return 99
        halfway = (transfer.created_at + transfer.completes_at) / 2
        return 13 if self.core.clock.now() >= halfway else 11

    @staticmethod
    def deposit_state(transfer: SimTransfer) -> int:
        """11 Pending, 12 Validating while confirmations come in, 14 Completed."""
        if transfer.status == "done":
            return 14
        return 12 if transfer.required_confirmations > 0 else 11
