"""TAPI order methods: trade, tradeHistory, openOrders, orderHistory, getOrder(ByClientOrderId),
cancelOrder, cancelByClientOrderId."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from typing import Any

from aiohttp import web

from sandbox.exchanges.common.ledger import InsufficientBalance
from sandbox.exchanges.common.orders import InvalidSimOrder, OrderType, Side, SimOrder
from sandbox.exchanges.common.seed import SeedAccount, SeedMarket
from services.exchanges.indodax.constants import (
    CANCEL_BUCKET,
    CLIENT_ORDER_ID_MAX,
    MSG_BAD_CLIENT_ORDER_ID,
    MSG_CANCEL_LIMIT,
    MSG_DUPLICATE_CLIENT_ID,
    MSG_INSUFFICIENT,
    MSG_LIMIT_BUY_IN_QUOTE,
    MSG_MARKET_BUY_IN_BASE,
    MSG_MINIMUM,
    MSG_NOT_MAKER,
    MSG_ORDER_DONE,
    MSG_ORDER_NOT_FOUND,
    MSG_TRADE_LIMIT,
    TRADE_BUCKET,
)

from . import views
from .state import IndodaxState, pair_id
from .wire import Params, Refusal, coin, decimal_param, int_param, ok, required

_CLIENT_ORDER_ID = re.compile(r"^[A-Za-z0-9_-]+$")
DEFAULT_PAIR = "btc_idr"
DEFAULT_COUNT = 1000


class OrderMethods:
    def __init__(self, state: IndodaxState) -> None:
        self.state = state

    def methods(self) -> dict[str, Any]:
        return {
            "trade": self.trade,
            "tradeHistory": self.trade_history,
            "openOrders": self.open_orders,
            "orderHistory": self.order_history,
            "getOrder": self.get_order,
            "getOrderByClientOrderId": self.get_order_by_client_id,
            "cancelOrder": self.cancel_order,
            "cancelByClientOrderId": self.cancel_by_client_id,
        }

    # placing ---------------------------------------------------------------------------------------

    async def trade(self, account: SeedAccount, params: Params) -> web.Response:
        market = self.state.market(required(params, "pair"))
        symbol = pair_id(market).replace("_", "").upper()
        self.state.check_rate(
            TRADE_BUCKET.format(pair=pair_id(market)), account.name, MSG_TRADE_LIMIT.format(symbol=symbol)
        )
        given_side = required(params, "type")
        if given_side not in ("buy", "sell"):
            raise Refusal("Invalid type", "invalid_parameter")
        side: Side = "buy" if given_side == "buy" else "sell"
        given_type = params.get("order_type", "").strip()
        order_type = given_type or "limit"
        if order_type not in ("limit", "market"):
            raise Refusal("Invalid order_type", "invalid_parameter")
        coid = self._client_order_id(account, params)
        time_in_force = params.get("time_in_force", "").strip() or "GTC"
        if time_in_force not in ("GTC", "MOC"):
            raise Refusal("Invalid time_in_force", "invalid_parameter")
        order = self._order(account, market, side, order_type, bool(given_type), time_in_force, coid, params)
        try:
            self.state.book(market.symbol).place(order)
        except InsufficientBalance:
            raise Refusal(MSG_INSUFFICIENT, "insufficient_balance") from None
        except InvalidSimOrder as exc:
            raise Refusal(str(exc), "invalid_parameter") from None
        return ok(views.placed(order, market))

    def _client_order_id(self, account: SeedAccount, params: Params) -> str | None:
        coid = params.get("client_order_id", "").strip() or None
        if coid is None:
            return None
        if len(coid) > CLIENT_ORDER_ID_MAX or not _CLIENT_ORDER_ID.match(coid):
            raise Refusal(MSG_BAD_CLIENT_ORDER_ID)
        if self.state.order_by_client_id(account.name, coid) is not None:
            raise Refusal(MSG_DUPLICATE_CLIENT_ID.format(id=coid))
        return coid

    def _order(
        self,
        account: SeedAccount,
        market: SeedMarket,
        side: Side,
        order_type: str,
        type_given: bool,
        time_in_force: str,
        coid: str | None,
        params: Params,
    ) -> SimOrder:
        base_amount = decimal_param(params, market.base.lower())
        quote_amount = decimal_param(params, market.quote.lower())
        if order_type == "market":
            if side == "buy":
                if quote_amount is None:
                    raise Refusal(MSG_MARKET_BUY_IN_BASE)
                self._minimum(market.min_cost, quote_amount, market.quote)
                return SimOrder(
                    account.name,
                    market.symbol,
                    "buy",
                    "market",
                    quote_amount=quote_amount,
                    client_order_id=coid,
                )
            amount = self._amount(base_amount, market.base)
            self._minimum(market.min_amount, amount, market.base)
            return SimOrder(
                account.name, market.symbol, "sell", "market", amount=amount, client_order_id=coid
            )
        price = decimal_param(params, "price")
        if price is None or price <= 0:
            raise Refusal("Missing parameter price", "invalid_parameter")
        if price % market.price_step:
            raise Refusal(f"Invalid price {price}: the step is {market.price_step}", "invalid_parameter")
        if side == "buy" and base_amount is None and quote_amount is not None:
            if type_given:  # the document: rejected with both idr and order_type=limit
                raise Refusal(MSG_LIMIT_BUY_IN_QUOTE)
            base_amount = (quote_amount / price).quantize(market.amount_step, rounding=ROUND_DOWN)
        amount = self._amount(base_amount, market.base)
        self._minimum(market.min_amount, amount, market.base)
        self._minimum(market.min_cost, amount * price, market.quote)
        if time_in_force == "MOC" and self._takes(market, side, price):
            raise Refusal(MSG_NOT_MAKER)
        kind: OrderType = "limit"
        return SimOrder(
            account.name, market.symbol, side, kind, amount=amount, price=price, client_order_id=coid
        )

    @staticmethod
    def _amount(amount: Decimal | None, asset: str) -> Decimal:
        if amount is None:
            raise Refusal(f"Missing parameter {asset.lower()}", "invalid_parameter")
        return amount

    @staticmethod
    def _minimum(minimum: Decimal, value: Decimal, asset: str) -> None:
        if value < minimum:
            raise Refusal(MSG_MINIMUM.format(minimum=minimum, asset=asset))

    def _takes(self, market: SeedMarket, side: str, price: Decimal) -> bool:
        book = self.state.book(market.symbol)
        if side == "buy":
            return book.best_ask is not None and price >= book.best_ask
        return book.best_bid is not None and price <= book.best_bid

    # reading ---------------------------------------------------------------------------------------

    def _pair(self, params: Params) -> SeedMarket:
        return self.state.market(params.get("pair", "").strip() or DEFAULT_PAIR)

    def _own(
        self, account: SeedAccount, order: SimOrder | None, market: SeedMarket | None = None
    ) -> SimOrder:
        if order is None or order.account_id != account.name or (market and order.symbol != market.symbol):
            raise Refusal(MSG_ORDER_NOT_FOUND, "order_not_found")
        return order

    def _by_id(self, account: SeedAccount, market: SeedMarket, order_id: str) -> SimOrder:
        return self._own(account, self.state.orders.get(order_id), market)

    def _by_client_id(self, account: SeedAccount, params: Params) -> SimOrder:
        coid = required(params, "client_order_id")
        return self._own(account, self.state.order_by_client_id(account.name, coid))

    def _market_of(self, order: SimOrder) -> SeedMarket:
        return next(m for m in self.state.pairs.values() if m.symbol == order.symbol)

    async def trade_history(self, account: SeedAccount, params: Params) -> web.Response:
        market = self._pair(params)
        rows = []
        for order in self.state.orders_of(account.name, market.symbol):
            rows += [(fill, order) for fill in order.fills]
        wanted_order = params.get("order_id", "").strip()
        from_id, end_id = int_param(params, "from_id"), int_param(params, "end_id")
        since, end = int_param(params, "since"), int_param(params, "end")
        rows = [
            (f, o)
            for f, o in rows
            if (not wanted_order or o.id == wanted_order)
            and (from_id is None or int(f.id) >= from_id)
            and (end_id is None or int(f.id) <= end_id)
            and (since is None or f.time >= since)
            and (end is None or f.time <= end)
        ]
        rows.sort(key=lambda r: int(r[0].id), reverse=params.get("order", "desc") != "asc")
        count = int_param(params, "count", DEFAULT_COUNT) or DEFAULT_COUNT
        return ok({"trades": [views.my_trade(f, o, market) for f, o in rows[:count]]})

    async def open_orders(self, account: SeedAccount, params: Params) -> web.Response:
        if params.get("pair", "").strip():
            market = self._pair(params)
            orders = self.state.orders_of(account.name, market.symbol, open_only=True)
            return ok({"orders": [views.listed_order(o, market, with_status=False) for o in orders]})
        grouped: dict[str, list[dict[str, Any]]] = {}
        for order in self.state.orders_of(account.name, open_only=True):
            market = self._market_of(order)
            grouped.setdefault(pair_id(market), []).append(
                views.listed_order(order, market, with_status=False)
            )
        return ok({"orders": grouped})

    async def order_history(self, account: SeedAccount, params: Params) -> web.Response:
        market = self._pair(params)
        start = int_param(params, "from")
        orders = [
            o
            for o in self.state.orders_of(account.name, market.symbol)
            if start is None or int(o.id) >= start
        ]
        orders.sort(key=lambda o: int(o.id), reverse=True)
        count = int_param(params, "count", DEFAULT_COUNT) or DEFAULT_COUNT
        return ok({"orders": [views.listed_order(o, market, with_status=True) for o in orders[:count]]})

    async def get_order(self, account: SeedAccount, params: Params) -> web.Response:
        market = self._pair(params)
        order = self._by_id(account, market, required(params, "order_id"))
        return ok({"order": views.one_order(order, market)})

    async def get_order_by_client_id(self, account: SeedAccount, params: Params) -> web.Response:
        order = self._by_client_id(account, params)
        return ok({"order": views.one_order(order, self._market_of(order))})

    # cancelling ------------------------------------------------------------------------------------

    async def cancel_order(self, account: SeedAccount, params: Params) -> web.Response:
        self.state.check_rate(CANCEL_BUCKET, account.name, MSG_CANCEL_LIMIT)
        market = self.state.market(required(params, "pair"))
        order = self._by_id(account, market, required(params, "order_id"))
        if required(params, "type") != order.side:
            raise Refusal(MSG_ORDER_NOT_FOUND, "order_not_found")
        return self._cancel(account, order)

    async def cancel_by_client_id(self, account: SeedAccount, params: Params) -> web.Response:
        self.state.check_rate(CANCEL_BUCKET, account.name, MSG_CANCEL_LIMIT)
        return self._cancel(account, self._by_client_id(account, params))

    def _cancel(self, account: SeedAccount, order: SimOrder) -> web.Response:
        if not order.is_open:
            raise Refusal(MSG_ORDER_DONE.format(status=views.ORDER_STATUS[order.status]))
        self.state.cancel_order(order.id)
        market = self._market_of(order)
        balance: dict[str, str] = {}
        for asset, holding in self.state.balances(account.name).items():
            balance[asset.lower()] = coin(holding.free)
            balance[f"frozen_{asset.lower()}"] = coin(holding.reserved)
        return ok(
            {
                "order_id": int(order.id),
                "client_order_id": order.client_order_id or "",
                "type": order.side,
                "pair": pair_id(market),
                "balance": balance,
            }
        )
