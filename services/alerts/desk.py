"""What the chat asks of alerts: set one from ACCOUNT PAIR and a condition, list, pause, resume, delete.

A member's alerts are their own: every change names the member, and the store refuses another's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from services.accounts import AccountRegistry
from services.alerts.conditions import Kind, parse_condition
from services.alerts.engine import STALE_INTERVALS
from services.alerts.prices import PriceBook
from services.alerts.store import Alert, AlertStore
from services.market_data import MarketDataService
from services.pricing import ticker_price


class AlertDesk:
    def __init__(
        self,
        accounts: AccountRegistry,
        store: AlertStore,
        prices: PriceBook,
        market_data: MarketDataService,
        *,
        interval_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.accounts = accounts
        self.store = store
        self.prices = prices
        self._market_data = market_data
        self._fresh_s = STALE_INTERVALS * interval_s
        self._clock = clock

    async def create(self, member: int, account: str, pair: str, words: list[str]) -> Alert:
        """Raises UnknownAccount, UnknownPair (an ExchangeError), BadCondition or LimitReached; stores
        nothing then."""
        found = self.accounts.get(account)
        condition = parse_condition(words)
        market = await found.client.market(pair)
        price = (
            await self._price_now(found.name, pair, market.symbol) if condition.kind is Kind.CROSS else None
        )
        return await self.store.create(member, found.name, market.symbol, condition, price, self._clock())

    async def of_member(self, member: int) -> list[Alert]:
        return await self.store.of_member(member)

    async def delete(self, member: int, alert_id: int) -> bool:
        return await self.store.delete(member, alert_id)

    async def pause(self, member: int, alert_id: int) -> bool:
        return await self.store.pause(member, alert_id)

    async def resume(self, member: int, alert_id: int) -> bool:
        alert = await self.store.get(alert_id)
        if alert is None or alert.member != member:
            return False
        price = None
        if alert.condition.kind is Kind.CROSS:
            price = await self._price_now(alert.account, alert.symbol, alert.symbol)
        return await self.store.resume(member, alert_id, price)

    async def _price_now(self, account: str, pair: str, symbol: str) -> Decimal | None:
        """A crossing fires the way the price has to go: the feed's price if fresh, else the exchange's."""
        quote = await self.prices.latest(account, symbol)
        if quote is not None and self._clock() - quote.at <= self._fresh_s:
            return quote.price
        return ticker_price((await self._market_data.price(account, pair)).ticker)
