"""The one interface every exchange client implements (method names after CCXT's unified API).

A client declares its ``capabilities``; a method the exchange does not offer raises ``NotSupported`` so
the bot can say so instead of failing. Infrastructure that must be shared between bot copies (nonces,
rate-limit windows) comes from Redis when a client is given one.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Self, TypeVar

import aiohttp
from pydantic import TypeAdapter, ValidationError
from redis.asyncio import Redis

from . import errors
from .budget import TimeBudget
from .callbacks import CallbackEndpoint
from .capabilities import Capability
from .models import (
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
    Withdrawal,
)
from .nonce import MemoryNonceSource, NonceSource, RedisNonceSource
from .ratelimit import LimiterPool, MemoryRateLimiter, RateLimit, RateLimiter, RedisRateLimiter
from .redaction import Redactor
from .symbols import MarketIndex
from .transport import ErrorHook, RetryPolicy, Signer, Transport

#: chart intervals every client accepts, with their length; each client maps them to its own notation
INTERVAL_SECONDS: dict[str, int] = {
    "1m": 60,
    "5m": 300,
    "15m": 900,
    "30m": 1800,
    "1h": 3600,
    "4h": 14400,
    "1d": 86400,
    "1w": 604800,
}
INTERVALS = tuple(INTERVAL_SECONDS)

T = TypeVar("T")


_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def _adapter(shape: object) -> TypeAdapter[Any]:
    # building an adapter costs a schema build: one per shape for the life of the process
    adapter = _ADAPTERS.get(shape)
    if adapter is None:
        adapter = _ADAPTERS[shape] = TypeAdapter(shape)
    return adapter


@dataclass(frozen=True)
class Credentials:
    api_key: str = field(default="", repr=False)
    api_secret: str = field(default="", repr=False)
    api_login: str = field(default="", repr=False)

    def secrets(self) -> list[str]:
        return [s for s in (self.api_key, self.api_secret, self.api_login) if s]

    def fingerprint(self) -> str:
        """Names the key in Redis without storing it."""
        return hashlib.sha256(f"{self.api_login}:{self.api_key}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ClientConfig:
    account: str
    credentials: Credentials = field(default_factory=Credentials)
    base_url: str | None = None
    ws_url: str | None = None
    language: str | None = None  # exchanger sites answer in it
    budget: TimeBudget = field(default_factory=TimeBudget)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    redis: Redis | None = None  # shared nonces and rate-limit windows across bot copies
    redis_prefix: str = "chatops"
    # keys of one exchange account (Indodax counts trading "per account and pair"); None: the key alone
    account_id: str | None = None
    # in-process windows shared between clients when there is no Redis (one pool per bot)
    limiters: LimiterPool | None = None
    markets_ttl: float = 300.0
    session: aiohttp.ClientSession | None = None


class ExchangeClient:
    exchange: ClassVar[str]
    display_name: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    rate_limits: ClassVar[Sequence[RateLimit]] = ()
    default_base_url: ClassVar[str | None] = None
    #: False where a cancelled order with nothing filled is forgotten (no lookup finds it afterwards)
    keeps_unfilled_cancels: ClassVar[bool] = True

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self.account = config.account
        base_url = config.base_url or self.default_base_url
        if not base_url:
            raise ValueError(f"{self.exchange}: base_url is required")
        self.base_url = base_url.rstrip("/")
        self.redactor = Redactor(config.credentials.secrets())
        self._markets: MarketIndex | None = None
        self._markets_at = 0.0
        self._transports: list[Transport] = []
        self._markets_lock = asyncio.Lock()

    def callback_endpoint(self) -> CallbackEndpoint | None:
        """What answers the exchange's POSTs to /callbacks/<exchange>/<account>; None: it makes none."""
        return None

    # -- infrastructure ------------------------------------------------------------------------------

    def _redis_key(self, *parts: str) -> str:
        return ":".join((self.config.redis_prefix, "exchange", self.exchange, *parts))

    def rate_owner(self) -> str:
        """Whose requests the exchange counts together: the account when the config names one, else
        the API key. A client whose exchange counts per IP overrides this."""
        if self.config.account_id:
            return f"account:{self.config.account_id}"
        return self.config.credentials.fingerprint()

    def make_limiter(self, limits: Sequence[RateLimit] | None = None, scope: str = "") -> RateLimiter:
        """One window per owner (``scope`` or ``rate_owner()``), shared through Redis if given, else
        through the config's pool of in-process limiters."""
        declared = self.rate_limits if limits is None else limits
        owner = scope or self.rate_owner()
        if self.config.redis is not None:
            return RedisRateLimiter(self.config.redis, self._redis_key("rl", owner), declared)
        if self.config.limiters is not None:
            return self.config.limiters.get(f"{self.exchange}:{owner}", declared)
        return MemoryRateLimiter(declared)

    def make_nonce_source(self) -> NonceSource:
        if self.config.redis is None:
            return MemoryNonceSource()
        key = self._redis_key("nonce", self.config.credentials.fingerprint())
        return RedisNonceSource(self.config.redis, key)

    def make_transport(
        self,
        *,
        signer: Signer | None = None,
        error_hook: ErrorHook | None = None,
        limiter: RateLimiter | None = None,
        base_url: str | None = None,
    ) -> Transport:
        transport = Transport(
            self.exchange,
            base_url or self.base_url,
            limiter=limiter or self.make_limiter(),
            signer=signer,
            error_hook=error_hook,
            redactor=self.redactor,
            budget=self.config.budget,
            retry=self.config.retry,
            session=self.config.session,
            account=self.account,
        )
        self._transports.append(transport)
        return transport

    async def close(self) -> None:
        """Release network resources; clients with streams close those too."""
        for transport in self._transports:
            await transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def not_supported(self, what: str) -> errors.NotSupported:
        return errors.NotSupported(f"{what} is not supported", exchange=self.exchange, endpoint=what)

    def require(self, capability: Capability) -> None:
        if capability not in self.capabilities:
            raise self.not_supported(capability.value)

    def require_key(self, capability: Capability, key: str | None) -> None:
        """A caller that asks for an idempotency key gets it honoured or NotSupported, never ignored."""
        if key is not None:
            self.require(capability)

    # -- answers -------------------------------------------------------------------------------------

    def bad_response(self, what: str, message: str) -> errors.BadResponse:
        return errors.BadResponse(self.redactor.text(message), exchange=self.exchange, endpoint=what)

    def parse(self, model: type[T], raw: Any, what: str) -> T:
        """``raw`` (a decoded answer of endpoint ``what``) as ``model``: a pydantic model or any type
        pydantic validates (``list[X]``, unions, generics). A wrong shape is BadResponse naming the
        fields and error types only (errors.shape_problems); inside ``errors.reading_write_answer`` it
        becomes OutcomeUnknown."""
        try:
            parsed: T = _adapter(model).validate_python(raw)
        except ValidationError as exc:
            raise self.bad_response(what, f"unexpected answer shape: {errors.shape_problems(exc)}") from None
        return parsed

    # -- markets -------------------------------------------------------------------------------------

    async def fetch_markets(self) -> list[Market]:
        raise self.not_supported("fetch_markets")

    async def load_markets(self, reload: bool = False) -> MarketIndex:
        # one fetch for concurrent callers: a fan-out over pairs must not fetch the markets N times
        async with self._markets_lock:
            fresh = time.monotonic() - self._markets_at < self.config.markets_ttl
            if self._markets is None or reload or not fresh:
                self._markets = MarketIndex(await self.fetch_markets())
                self._markets_at = time.monotonic()
            return self._markets

    async def market(self, pair: str) -> Market:
        """The market for any accepted spelling of a pair, or InvalidRequest naming the pair."""
        found = (await self.load_markets()).find(pair)
        if found is None:
            raise errors.UnknownPair(f"unknown pair {pair!r}", exchange=self.exchange, endpoint="markets")
        return found

    async def fetch_tickers(self) -> dict[str, Ticker]:
        raise self.not_supported("fetch_tickers")

    async def fetch_ticker(self, pair: str) -> Ticker:
        market = await self.market(pair)
        ticker = (await self.fetch_tickers()).get(market.symbol)
        if ticker is None:
            raise errors.BadResponse(
                f"no ticker for {market.symbol}", exchange=self.exchange, endpoint="ticker"
            )
        return ticker

    async def fetch_order_book(self, pair: str, limit: int | None = None) -> OrderBook:
        raise self.not_supported("fetch_order_book")

    async def fetch_trades(self, pair: str, limit: int | None = None) -> list[PublicTrade]:
        raise self.not_supported("fetch_trades")

    async def fetch_ohlcv(
        self, pair: str, interval: str = "1h", since: datetime | None = None, limit: int | None = None
    ) -> list[Candle]:
        raise self.not_supported("fetch_ohlcv")

    # -- account -------------------------------------------------------------------------------------

    async def fetch_account_info(self) -> AccountInfo:
        """The cheapest authenticated call: proves the key works and says what it may do."""
        await self.fetch_balance()
        return AccountInfo()

    async def fetch_balance(self) -> Balances:
        raise self.not_supported("fetch_balance")

    async def fetch_open_orders(self, pair: str | None = None) -> list[Order]:
        raise self.not_supported("fetch_open_orders")

    async def fetch_closed_orders(self, pair: str | None = None, limit: int | None = None) -> list[Order]:
        raise self.not_supported("fetch_closed_orders")

    async def fetch_order(self, order_id: str, pair: str | None = None) -> Order:
        raise self.not_supported("fetch_order")

    async def fetch_my_trades(self, pair: str | None = None, limit: int | None = None) -> list[Trade]:
        raise self.not_supported("fetch_my_trades")

    async def trade_pairs(self) -> list[str] | None:
        """The pairs whose own trades ``fetch_my_trades()`` looks through where the exchange answers one
        pair at a time; None where one request covers every pair."""
        return None

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
        raise self.not_supported("create_order")

    async def cancel_order(self, order_id: str, pair: str | None = None) -> Order | None:
        raise self.not_supported("cancel_order")

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
        raise self.not_supported("withdraw")

    async def fetch_deposits(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Deposit]:
        raise self.not_supported("fetch_deposits")

    async def fetch_withdrawals(
        self, asset: str | None = None, since: datetime | None = None, limit: int | None = None
    ) -> list[Withdrawal]:
        raise self.not_supported("fetch_withdrawals")

    async def fetch_deposit_address(self, asset: str, network: str | None = None) -> DepositAddress:
        raise self.not_supported("fetch_deposit_address")
