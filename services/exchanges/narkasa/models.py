"""Typed answers of Narkasa's methods that have no CCXT name."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Currency(_Model):
    id: str
    asset: str
    name: str


class SavedAddress(_Model):
    id: str
    name: str
    address: str


class WithdrawChannel(_Model):
    network: str
    enabled: bool
    fee: Decimal | None = None
    addresses: list[SavedAddress] = Field(default_factory=list)


class WithdrawInfo(_Model):
    asset: str
    name: str
    enabled: bool
    minimum: Decimal | None = None
    decimals: int | None = None
    channels: list[WithdrawChannel] = Field(default_factory=list)


class DepositChannel(_Model):
    network: str
    address: str
    enabled: bool


class DepositInfo(_Model):
    asset: str
    name: str
    enabled: bool
    minimum: Decimal | None = None
    decimals: int | None = None
    channels: list[DepositChannel] = Field(default_factory=list)


class TopOfBook(_Model):
    """The best bid and ask (``market/orderbook`` and the ``orderBook`` stream)."""

    symbol: str
    bid_price: Decimal | None = None
    bid_amount: Decimal | None = None
    ask_price: Decimal | None = None
    ask_amount: Decimal | None = None
