"""Orders through the TAPI: trade (always with a client_order_id, Indodax's idempotency key), the
order queries, cancels, and our own trade history."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal

from services.exchanges import errors
from services.exchanges.models import Market, Order, OrderSide, OrderStatus, OrderType

from . import convert, schemas
from .constants import CANCEL_BUCKET, CLIENT_ORDER_ID_MAX, EXCHANGE, TRADE_BUCKET
from .market_data import IndodaxMarketData
from .session import amount_text

_CLIENT_ORDER_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def new_client_order_id() -> str:
    return f"cb-{uuid.uuid4().hex[:24]}"


class IndodaxTrading(IndodaxMarketData):
    def _need_pair(self, pair: str | None, endpoint: str) -> str:
        if pair is None:
            raise errors.InvalidRequest("Indodax needs the pair", exchange=EXCHANGE, endpoint=endpoint)
        return pair

    def _check_client_order_id(self, client_order_id: str) -> None:
        if len(client_order_id) > CLIENT_ORDER_ID_MAX or not _CLIENT_ORDER_ID.match(client_order_id):
            raise errors.InvalidOrder(
                f"client_order_id must be at most {CLIENT_ORDER_ID_MAX} characters of A-Z a-z 0-9 _ -",
                exchange=EXCHANGE,
                endpoint="trade",
            )

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
        """A market buy is sized in the quote asset on Indodax: ``amount`` (base) is converted with
        ``price`` if given, else with the current best ask."""
        if type is OrderType.STOP_LIMIT or stop_price is not None:
            raise self.not_supported("stop orders")
        m = await self.market(pair)
        base, quote = m.base.lower(), m.quote.lower()
        params = [("pair", m.id), ("type", side.value)]
        if type is OrderType.LIMIT:
            if price is None:
                raise errors.InvalidOrder("a limit order needs a price", exchange=EXCHANGE, endpoint="trade")
            params += [("price", amount_text(price)), (base, amount_text(amount)), ("order_type", "limit")]
        elif side is OrderSide.SELL:
            params += [(base, amount_text(amount)), ("order_type", "market")]
        else:
            cost = _round_quote(m, amount * (price or await self._best_ask(m)))
            params += [(quote, amount_text(cost)), ("order_type", "market")]
        return await self._trade(m, side, type, params, amount, price, client_order_id)

    async def create_market_buy_order_with_cost(
        self, pair: str, cost: Decimal, *, client_order_id: str | None = None
    ) -> Order:
        """A market buy spending ``cost`` of the quote asset (what Indodax itself takes)."""
        m = await self.market(pair)
        params = [("pair", m.id), ("type", "buy"), (m.quote.lower(), amount_text(cost))]
        params.append(("order_type", "market"))
        return await self._trade(m, OrderSide.BUY, OrderType.MARKET, params, None, None, client_order_id)

    async def _trade(
        self,
        m: Market,
        side: OrderSide,
        type: OrderType,
        params: list[tuple[str, str]],
        amount: Decimal | None,
        price: Decimal | None,
        client_order_id: str | None,
    ) -> Order:
        coid = client_order_id or new_client_order_id()
        self._check_client_order_id(coid)
        bucket = TRADE_BUCKET.format(pair=m.id)
        try:
            form = [*params, ("client_order_id", coid)]
            data = await self.tapi("trade", form, write=True, buckets=(bucket,))
        except errors.InvalidOrder as exc:
            if f"client order id {coid} already exists" not in exc.message:
                raise
            return await self._already_placed(m, coid, side, price)
        with errors.reading_write_answer(EXCHANGE, "trade"):
            envelope = self.parse(schemas.Envelope, data, "trade")
            raw = self.parse(schemas.TradeResult, envelope.result, "trade")
        base = m.base.lower()
        filled = raw.amount_for("receive" if side is OrderSide.BUY else "sold", base) or Decimal(0)
        remain = raw.amount_for("remain", *((m.quote.lower(), "rp") if side is OrderSide.BUY else (base,)))
        done = type is OrderType.MARKET or (remain is not None and remain == 0)
        return Order(
            id=str(raw.order_id),
            symbol=m.symbol,
            side=side,
            type=type,
            status=OrderStatus.CLOSED if done else OrderStatus.OPEN,
            amount=amount,
            price=price if type is OrderType.LIMIT else None,
            filled=filled,
            client_order_id=raw.client_order_id or coid,
            timestamp=datetime.now(UTC),
        )

    async def _already_placed(self, m: Market, coid: str, side: OrderSide, price: Decimal | None) -> Order:
        """Our idempotency key is taken: the order exists if it is the one we meant (an earlier copy of
        this request), otherwise the key was reused by mistake."""
        existing = await self.fetch_order_by_client_order_id(coid, m.symbol)
        if existing.side is side and (price is None or existing.price == price):
            return existing
        raise errors.InvalidOrder(
            f"client order id {coid} already exists for a different order",
            exchange=EXCHANGE,
            endpoint="trade",
        )

    async def fetch_order(self, order_id: str, pair: str | None = None) -> Order:
        m = await self.market(self._need_pair(pair, "getOrder"))
        raw = await self.tapi_result(schemas.OneOrder, "getOrder", [("pair", m.id), ("order_id", order_id)])
        return convert.order(m, raw.order)

    async def fetch_order_by_client_order_id(self, client_order_id: str, pair: str) -> Order:
        """The answer does not name the pair, so the caller does (it knows it from placing the order)."""
        m = await self.market(pair)
        params = [("client_order_id", client_order_id)]
        raw = await self.tapi_result(schemas.OneOrder, "getOrderByClientOrderId", params)
        return convert.order(m, raw.order)

    async def fetch_open_orders(self, pair: str | None = None) -> list[Order]:
        if pair is not None:
            m = await self.market(pair)
            raw = await self.tapi_result(schemas.OpenOrders, "openOrders", [("pair", m.id)])
            groups = {m.id: raw.orders} if isinstance(raw.orders, list) else raw.orders
        else:
            raw = await self.tapi_result(schemas.OpenOrders, "openOrders")
            groups = raw.orders if isinstance(raw.orders, dict) else {}
        found = []
        for pair_id, rows in groups.items():
            m = await self.market(pair_id)
            found += [convert.order(m, row, OrderStatus.OPEN) for row in rows]
        return found

    async def fetch_closed_orders(self, pair: str | None = None, limit: int | None = None) -> list[Order]:
        m = await self.market(self._need_pair(pair, "orderHistory"))
        params = [("pair", m.id)] + ([("count", str(limit))] if limit else [])
        raw = await self.tapi_result(schemas.OrderList, "orderHistory", params)
        orders = [convert.order(m, row) for row in raw.orders]
        return [o for o in orders if o.status is not OrderStatus.OPEN]

    async def cancel_order(
        self,
        order_id: str,
        pair: str | None = None,
        *,
        side: OrderSide | None = None,
        type: OrderType | None = None,
    ) -> Order | None:
        """cancelOrder needs the side and, for a stop-limit order, ``order_type=stoplimit``; what the
        caller does not give is looked up first (one read)."""
        m = await self.market(self._need_pair(pair, "cancelOrder"))
        known: Order | None = None
        if side is None or type is None:
            known = await self._order_to_cancel(m, order_id)
            side, type = side or known.side, type or known.type
        order_type = "stoplimit" if type is OrderType.STOP_LIMIT else "limit"
        params = [("pair", m.id), ("order_id", order_id), ("type", side.value), ("order_type", order_type)]
        data = await self.tapi("cancelOrder", params, write=True, buckets=(CANCEL_BUCKET,))
        return self._cancelled(data, "cancelOrder", known)

    async def _order_to_cancel(self, m: Market, order_id: str) -> Order:
        """openOrders names an open order's type (getOrder's documented answer does not), so look there
        first; getOrder for an order that is no longer open."""
        for order in await self.fetch_open_orders(m.symbol):
            if order.id == order_id:
                return order
        return await self.fetch_order(order_id, m.symbol)

    async def cancel_order_by_client_order_id(self, client_order_id: str) -> Order:
        params = [("client_order_id", client_order_id)]
        data = await self.tapi("cancelByClientOrderId", params, write=True, buckets=(CANCEL_BUCKET,))
        return self._cancelled(data, "cancelByClientOrderId", None)

    def _cancelled(self, data: object, endpoint: str, known: Order | None) -> Order:
        with errors.reading_write_answer(EXCHANGE, endpoint):
            raw = self.parse(
                schemas.CancelResult, self.parse(schemas.Envelope, data, endpoint).result, endpoint
            )
        if known is not None:
            return known.model_copy(update={"status": OrderStatus.CANCELED})
        base, _, quote = raw.pair.upper().partition("_")
        return Order(
            id=str(raw.order_id),
            symbol=f"{base}/{quote}",
            side=OrderSide(raw.type),
            type=OrderType.LIMIT,
            status=OrderStatus.CANCELED,
            client_order_id=raw.client_order_id or None,
        )

    async def _best_ask(self, m: Market) -> Decimal:
        ask = (await self.fetch_ticker(m.symbol)).ask
        if not ask:
            raise errors.InvalidOrder(f"no ask price for {m.symbol}", exchange=EXCHANGE, endpoint="ticker")
        return ask


def _round_quote(m: Market, value: Decimal) -> Decimal:
    if m.precision.price is None:
        return value
    return value.quantize(Decimal(1).scaleb(-m.precision.price), rounding=ROUND_DOWN)
