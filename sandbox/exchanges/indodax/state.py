"""What the Indodax simulator keeps beyond the shared core: pair ids, nonces per key, callback URLs,
networks and deposit addresses, daily withdrawal limits, answers given per withdrawal request_id."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.ratelimit import ServerLimit
from sandbox.exchanges.common.seed import Seed, SeedAccount, SeedMarket
from sandbox.exchanges.common.state import SimExchangeState
from services.exchanges.indodax.constants import (
    DOCUMENTED_LIMITS,
    MSG_INVALID_PAIR,
    MSG_NONCE,
    TRADE_BLOCK_SECONDS,
)

from .wire import Refusal

# networks per asset: one name, or several (the document's eth: ["eth", "arb", "op", "base"])
DEFAULT_NETWORKS: dict[str, list[str]] = {
    "btc": ["mainnet"],
    "eth": ["eth", "arb", "op", "base"],
    "usdt": ["erc20", "trc20", "bep20"],
    "ltc": ["mainnet"],
}


def pair_id(market: SeedMarket) -> str:
    """``btc_idr``: the TAPI's and ticker_all's spelling."""
    return market.id or f"{market.base}_{market.quote}".lower()


def server_limits() -> list[ServerLimit]:
    """The client's declared limits; a rejected trade blocks its pair for 5 s (the document)."""
    return [
        ServerLimit.of(limit, TRADE_BLOCK_SECONDS if limit.key.startswith("trade:") else 0.0)
        for limit in DOCUMENTED_LIMITS
    ]


class IndodaxState(SimExchangeState):
    def __init__(
        self,
        seed: Seed,
        *,
        clock: Clock | None = None,
        callback_urls: Mapping[str, str] | None = None,
        daily_limits: Mapping[str, Decimal] | None = None,
        usernames: Mapping[str, str] | None = None,
    ) -> None:
        """``callback_urls``: account name -> URL withdrawCoin must get "ok" from (none: no callback);
        ``daily_limits``: asset -> most that may be withdrawn per day per account; ``usernames``: Indodax
        username -> account name, for withdrawals by username (each account is also its own name)."""
        super().__init__(seed, clock=clock, limits=server_limits())
        self.pairs: dict[str, SeedMarket] = {pair_id(m): m for m in self.seed.markets}
        self.last_nonce: dict[str, int] = {}
        self.callback_urls: dict[str, str] = dict(callback_urls or {})
        self.callbacks_seen: list[dict[str, str]] = []
        self.daily_limits: dict[str, Decimal] = {k.lower(): v for k, v in (daily_limits or {}).items()}
        self.usernames: dict[str, str] = {name: name for name in self.accounts} | dict(usernames or {})
        self.withdraw_answers: dict[tuple[str, str], dict[str, Any]] = {}

    # markets ---------------------------------------------------------------------------------------

    def market(self, pid: str) -> SeedMarket:
        market = self.pairs.get(pid.lower())
        if market is None:
            raise Refusal(MSG_INVALID_PAIR, "invalid_pair")
        return market

    def market_by_path_id(self, path_id: str) -> SeedMarket:
        """``btcidr`` (public /api/ticker, depth, trades; tradingview's ``BTCIDR``)."""
        for pid, market in self.pairs.items():
            if pid.replace("_", "") == path_id.lower():
                return market
        raise Refusal(MSG_INVALID_PAIR, "invalid_pair")

    def currencies(self) -> list[str]:
        seen: dict[str, None] = {}
        for market in self.seed.markets:
            seen.setdefault(market.base.lower())
            seen.setdefault(market.quote.lower())
        return list(seen)

    # accounts --------------------------------------------------------------------------------------

    def networks(self, asset: str) -> list[str]:
        return DEFAULT_NETWORKS.get(asset.lower(), ["mainnet"])

    def deposit_address(self, account: SeedAccount, asset: str) -> str:
        digest = hashlib.sha256(f"indodax:{account.name}:{asset.lower()}".encode()).hexdigest()
        return f"{asset.lower()}1{digest[:32]}"

    def is_own_address(self, account: SeedAccount, asset: str, address: str) -> bool:
        return address == self.deposit_address(account, asset)

    def internal_owner(self, asset: str, address: str) -> str | None:
        for account in self.accounts.values():
            if self.deposit_address(account, asset) == address:
                return account.name
        return None

    def withdrawn_today(self, account: str, asset: str, day_start: float) -> Decimal:
        return sum(
            (
                t.amount + t.fee
                for t in self.transfers.query(account, "withdrawal", asset.upper())
                if t.created_at >= day_start and t.status != "failed" and t.status != "cancelled"
            ),
            Decimal(0),
        )

    # auth ------------------------------------------------------------------------------------------

    def accept_nonce(self, api_key: str, nonce: int) -> None:
        """Nonces must grow per key; the refusal names the last one seen so a client can resynchronise."""
        last = self.last_nonce.get(api_key, 0)
        if nonce <= last:
            raise Refusal(MSG_NONCE.format(last=last, given=nonce), "invalid_nonce")
        self.last_nonce[api_key] = nonce

    def check_rate(self, bucket: str, scope: str, message: str) -> None:
        if self.limiter.check([bucket], scope=scope) is not None:
            raise Refusal(message, "too_many_requests", status=429)
