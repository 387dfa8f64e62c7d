"""Iqfinex-specific results that have no exchange-neutral model."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class Currency(BaseModel):
    """One coin or token as /v1/currencies lists it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str  # "BTC"
    name: str  # "Bitcoin"
    kind: str  # "Coin" or "Token"
    withdrawal_fee: Decimal | None = None
    confirmations: int | None = None
    min_withdrawal: Decimal | None = None
    min_deposit: Decimal | None = None
    can_deposit: bool = True
    can_withdraw: bool = True
