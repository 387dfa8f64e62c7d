"""What the Iqfinex simulator knows beyond the core state: asset ids, key permissions and expiry,
currencies, and the rule that an order canceled with nothing executed is not kept."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sandbox.exchanges.common.clock import Clock
from sandbox.exchanges.common.orders import Fill, OrderNotFound, SimOrder
from sandbox.exchanges.common.seed import Seed, SeedAccount, SeedMarket
from sandbox.exchanges.common.state import SimExchangeState, UnknownMarket
from services.exchanges.iqfinex.constants import EXCHANGE_LIMITS
from services.exchanges.ratelimit import RateLimit

NAMES = {"BTC": "Bitcoin", "ETH": "Ethereum", "LTC": "Litecoin", "USDT": "Tether", "MOD": "Modum"}
TOKENS = frozenset({"USDT", "MOD"})
CONFIRMATIONS = 6
MIN_DEPOSIT = Decimal("0.001")


def asset_id(market: SeedMarket) -> str:
    return market.id or f"{market.base}{market.quote}".upper()


class IqfinexState(SimExchangeState):
    def __init__(
        self,
        seed: Seed | None = None,
        *,
        clock: Clock | None = None,
        rate_limits: Iterable[RateLimit] = EXCHANGE_LIMITS,
        expired_keys: Iterable[str] = (),
        halted_assets: Iterable[str] = (),
    ) -> None:
        super().__init__(seed or Seed.default("iqfinex"), clock=clock, limits=rate_limits)
        self.markets = {asset_id(m): m for m in self.seed.markets}
        self.expired_keys = set(expired_keys)
        self.halted_assets = set(halted_assets)  # isTrade false

    # keys ------------------------------------------------------------------------------------------

    def user_id(self, account_id: str) -> int:
        names = [a.name for a in self.seed.accounts]
        return names.index(account_id) + 1 if account_id in names else 0

    @staticmethod
    def can_trade(account: SeedAccount) -> bool:
        return "trade" in account.permissions

    @staticmethod
    def can_withdraw(account: SeedAccount) -> bool:
        return "withdraw" in account.permissions

    # assets and currencies -------------------------------------------------------------------------

    def market(self, asset: str) -> SeedMarket:
        try:
            return self.markets[asset.upper()]
        except KeyError:
            raise UnknownMarket(asset) from None

    def asset_of(self, symbol: str) -> str:
        return asset_id(self.seed.market(symbol))

    def currencies(self) -> list[str]:
        codes = {c for m in self.seed.markets for c in (m.base, m.quote)}
        codes |= {c for a in self.seed.accounts for c in a.balances}
        return sorted(codes)

    def currency(self, code: str) -> dict[str, object]:
        fee = self.withdrawal_fee(code)
        return {
            "name": code,
            "alias": NAMES.get(code, code),
            "commission": fee,
            "type": "Token" if code in TOKENS else "Coin",
            "confirmations": CONFIRMATIONS,
            "min_withdrawal": max(fee * 2, MIN_DEPOSIT),
            "min_deposit": MIN_DEPOSIT,
            "isDeposit": True,
            "isWithdrawal": True,
        }

    # orders ----------------------------------------------------------------------------------------

    @staticmethod
    def is_kept(order: SimOrder) -> bool:
        """The document: an order canceled without any execution is not saved."""
        return not (order.status == "cancelled" and order.filled == 0)

    def own_order(self, account_id: str, order_id: str) -> SimOrder:
        order = self.orders.get(order_id)
        if order is None or order.account_id != account_id:
            raise OrderNotFound(order_id)
        return order

    def kept_order(self, account_id: str, order_id: str) -> SimOrder:
        order = self.own_order(account_id, order_id)
        if not self.is_kept(order):
            raise OrderNotFound(order_id)
        return order

    def history(self, account_id: str) -> list[SimOrder]:
        """Closed orders and canceled ones with something executed, newest first."""
        done = [o for o in self.orders_of(account_id, open_only=False) if self.is_kept(o)]
        return sorted(done, key=lambda o: (o.updated_at, int(o.id)), reverse=True)

    def fills_of(self, account_id: str) -> list[tuple[Fill, str]]:
        """(fill, the account's order id in it), newest first."""
        fills = self.trades_of(account_id)
        mine = [
            (f, f.taker_order_id if f.taker_account_id == account_id else f.maker_order_id) for f in fills
        ]
        return mine[::-1]
