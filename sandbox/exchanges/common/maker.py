"""Resting liquidity around a moving mid price, so a simulated market always has a book to trade against."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal

from sandbox.exchanges.common.matching import MatchingBook
from sandbox.exchanges.common.orders import Fill, SimOrder


class MarketMaker:
    """Keeps ``levels`` orders of ``size`` on each side: level i at mid * (1 -/+ (spread/2 + i*step)).

    Its account is topped up before each quote, so it never runs out however the market moves. Moving the
    mid over resting user orders fills them (at the user's price), which is how a demo sees fills happen.
    """

    def __init__(
        self,
        book: MatchingBook,
        account_id: str = "market-maker",
        *,
        levels: int = 5,
        spread: Decimal = Decimal("0.002"),
        step: Decimal = Decimal("0.001"),
        size: Decimal = Decimal(1),
    ) -> None:
        self.book = book
        self.account_id = account_id
        self.levels = levels
        self.spread = spread
        self.step = step
        self.size = size
        self.mid: Decimal | None = None

    def quotes(self, mid: Decimal) -> tuple[list[Decimal], list[Decimal]]:
        """(bid prices, ask prices) this maker would quote around ``mid``, best first."""
        offsets = [self.spread / 2 + i * self.step for i in range(self.levels)]
        bids = [self._round(mid * (1 - off), ROUND_DOWN) for off in offsets]
        asks = [self._round(mid * (1 + off), ROUND_UP) for off in offsets]
        return bids, asks

    def reprice(self, mid: Decimal) -> list[Fill]:
        """Replace the maker's orders around ``mid``; returns fills against other accounts' orders."""
        self.mid = mid
        for order in self.book.open_orders(self.account_id):
            self.book.cancel(order.id)
        bids, asks = self.quotes(mid)
        self._top_up(bids)
        fills: list[Fill] = []
        for side, prices in (("sell", asks), ("buy", bids)):
            for price in prices:
                if price <= 0:
                    continue
                order = SimOrder(
                    self.account_id,
                    self.book.symbol,
                    "buy" if side == "buy" else "sell",
                    "limit",
                    amount=self.size,
                    price=price,
                )
                fills += self.book.place(order)
        fills += self.book.check_stops(mid)
        return fills

    def _top_up(self, bids: list[Decimal]) -> None:
        ledger = self.book.ledger
        need_base = self.size * self.levels
        need_quote = sum((p * self.size for p in bids), Decimal(0))
        for asset, need in ((self.book.base, need_base), (self.book.quote, need_quote)):
            short = need - ledger.free(self.account_id, asset)
            if short > 0:
                ledger.credit(self.account_id, asset, short)

    def _round(self, price: Decimal, rounding: str) -> Decimal:
        step = self.book.price_step
        return price.quantize(step, rounding=rounding) if step is not None else price
