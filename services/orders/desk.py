"""The order desk: preview an order, confirm it by its token, execute it once.

preview -> (member presses Confirm) -> confirm -> the action engine sends it exactly once. Every step
goes to the audit log with the member, the account and the exact parameters (never a secret).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from services.accounts import AccountRegistry
from services.actions.engine import ActionEngine, Executed, Outcome, Send
from services.actions.records import Action, wire_text
from services.actions.store import ActionStore, Decision
from services.audit import AuditLog
from services.exchanges import errors
from services.exchanges.capabilities import Capability
from services.exchanges.models import Market, Order, OrderSide, OrderStatus, OrderType, Ticker
from services.orders.lookup import order_facts
from services.orders.ticket import (
    ExchangeQuote,
    OrderPreview,
    OrderRequest,
    check_order,
    needed_capability,
    round_down,
)

ORDER = "order"
CANCEL = "cancel"

log = logging.getLogger(__name__)


class Priced(Protocol):
    quantity: Decimal
    amount: Decimal
    average_price: Decimal


@runtime_checkable
class PricesPurchase(Protocol):
    """A client whose exchange prices a purchase at the market itself (IncoreX ``required_amount``)."""

    async def required_amount(self, pair: str, quantity: Decimal) -> Priced: ...


class OrderNotOpen(LookupError):
    """No open order with this id on the account (never placed, or already filled or cancelled)."""

    def __init__(self, order_id: str) -> None:
        super().__init__(order_id)
        self.order_id = order_id


@dataclass(frozen=True, slots=True)
class CancelPreviewed:
    order: Order
    action_id: str
    token: str


@dataclass(frozen=True, slots=True)
class Previewed:
    preview: OrderPreview
    action_id: str
    token: str  # goes into the Confirm and Cancel buttons


class OrderDesk:
    def __init__(
        self,
        accounts: AccountRegistry,
        store: ActionStore,
        engine: ActionEngine,
        audit: AuditLog,
        *,
        price_guard: Decimal,
        confirm_ttl_s: float,
        senders: Mapping[str, Send] | None = None,
    ) -> None:
        self._accounts = accounts
        self._store = store
        self._engine = engine
        self._audit = audit
        self._price_guard = price_guard
        self._confirm_ttl_s = confirm_ttl_s
        # every kind of action confirmed with the same buttons is sent here, by its kind
        self._senders: dict[str, Send] = {
            ORDER: self._send_order,
            CANCEL: self._send_cancel,
            **(senders or {}),
        }

    # -- what the guided flow offers ---------------------------------------------------------------

    def order_types(self, account: str) -> list[OrderType]:
        """The order types the account's exchange takes, in the order a member is offered them."""
        client = self._accounts.get(account).client
        return [t for t in OrderType if client.has(needed_capability(t))]

    def trading_accounts(self) -> list[str]:
        return [a.name for a in self._accounts if self.order_types(a.name)]

    async def pairs(self, account: str) -> list[str]:
        """The pairs that trade now on the account's exchange, sorted."""
        markets = await self._accounts.get(account).client.load_markets()
        return sorted(m.symbol for m in markets if m.active)

    async def pair(self, account: str, text: str) -> str:
        """The market's symbol for a pair as typed; UnknownPair if the exchange has none such."""
        return (await self._accounts.get(account).client.market(text)).symbol

    async def preview(self, member_id: int, chat_id: int, request: OrderRequest) -> Previewed:
        """Checks everything that can be checked before sending; raises OrderRejected or an exchange
        error (unknown pair, not supported...) with nothing sent."""
        client = self._accounts.get(request.account).client
        client.require(needed_capability(request.type))
        market = await client.market(request.pair)
        ticker = await self._ticker(request, market.symbol)
        quote = await self._exchange_quote(request, market)
        preview = check_order(
            request,
            market,
            ticker,
            await client.fetch_balance(),
            price_guard=self._price_guard,
            exchange_quote=quote,
        )
        action, token = await self._store.create(
            kind=ORDER,
            member_id=member_id,
            chat_id=chat_id,
            account=request.account,
            params=preview.params(),
            ttl_s=self._confirm_ttl_s,
            # the exchange's idempotency key where it has one; our record of it in any case
            idempotency_key=uuid.uuid4().hex[:20],
            guarded=preview.needs_guard,
        )
        await self._audit.record(member_id, "order.preview", _described(action))
        return Previewed(preview, action.id, token)

    async def preview_cancel(
        self, member_id: int, chat_id: int, account: str, order_id: str
    ) -> CancelPreviewed:
        """The open order to cancel, looked up among the account's open orders; OrderNotOpen if absent."""
        client = self._accounts.get(account).client
        client.require(Capability.CANCEL_ORDER)
        client.require(Capability.FETCH_OPEN_ORDERS)
        order = next((o for o in await client.fetch_open_orders() if o.id == order_id), None)
        if order is None:
            raise OrderNotOpen(order_id)
        params = {
            "order_id": order.id,
            "pair": order.symbol,
            "side": order.side.value,
            "type": order.type.value,
        }
        if order.amount is not None:
            params["amount"] = wire_text(order.amount)
        if order.price is not None:
            params["price"] = wire_text(order.price)
        params["filled"] = wire_text(order.filled)
        action, token = await self._store.create(
            kind=CANCEL,
            member_id=member_id,
            chat_id=chat_id,
            account=account,
            params=params,
            ttl_s=self._confirm_ttl_s,
        )
        await self._audit.record(member_id, "cancel.preview", {"action": action.id, **_described(action)})
        return CancelPreviewed(order, action.id, token)

    async def _exchange_quote(self, request: OrderRequest, market: Market) -> ExchangeQuote | None:
        """The exchange's own price of a market buy, where it has one (IncoreX required_amount); None
        elsewhere, or when it cannot say now (the book's best price estimates it instead)."""
        client = self._accounts.get(request.account).client
        if request.type is not OrderType.MARKET or request.side is not OrderSide.BUY:
            return None
        if not isinstance(client, PricesPurchase):
            return None
        amount = round_down(request.amount, market.precision.amount)
        if amount <= 0:
            return None  # refused as too small by the checks, without asking
        try:
            found = await client.required_amount(market.symbol, amount)
        except errors.ExchangeError as exc:
            log.info("required_amount on %s: %s; estimated from the book", request.account, exc)
            return None
        return ExchangeQuote(amount=found.quantity, total=found.amount, average_price=found.average_price)

    async def _ticker(self, request: OrderRequest, symbol: str) -> Ticker | None:
        try:
            return await self._accounts.get(request.account).client.fetch_ticker(symbol)
        except errors.ExchangeError:
            if request.price is None:
                raise  # a market order cannot be estimated without the market's prices
            return None

    async def decide(self, token: str, presser_id: int, chat_id: int, *, confirm: bool) -> Decision:
        """A Confirm or Cancel press; quick (Redis only). A confirmed action is then ``execute``d."""
        decision = await self._store.decide(token, presser_id=presser_id, chat_id=chat_id, confirm=confirm)
        action = await self._store.token_action(token)
        if action is not None:
            kind = f"{action.kind}.confirm" if confirm else f"{action.kind}.cancel"
            await self._audit.record(presser_id, kind, {**_described(action), "decision": decision.value})
        return decision

    async def execute(self, token: str, presser_id: int) -> Outcome:
        """Sends a confirmed action once; any other caller gets the action as it stands."""
        action = await self._store.token_action(token)
        if action is None:
            return Outcome(None, executed_here=False)
        outcome = await self._engine.execute(action.id, self._senders[action.kind])
        if outcome.executed_here and outcome.action is not None:
            done = outcome.action
            outcome_facts = {"state": done.state.value, "exchange_id": done.exchange_id, "error": done.error}
            await self._audit.record(
                presser_id, f"{done.kind}.result", {**_described(done), **outcome_facts, **done.result}
            )
        return outcome

    async def _send_cancel(self, action: Action) -> Executed:
        client = self._accounts.get(action.account).client
        order = await client.cancel_order(action.params["order_id"], action.params["pair"])
        status = order.status.value if order is not None else OrderStatus.CANCELED.value
        filled = str(order.filled) if order is not None else ""
        return Executed(
            exchange_id=action.params["order_id"], done=True, result={"status": status, "filled": filled}
        )

    async def _send_order(self, action: Action) -> Executed:
        client = self._accounts.get(action.account).client
        params = action.params
        order = await client.create_order(
            params["pair"],
            OrderSide(params["side"]),
            OrderType(params["type"]),
            Decimal(params["amount"]),
            Decimal(params["price"]) if "price" in params else None,
            stop_price=Decimal(params["stop_price"]) if "stop_price" in params else None,
            # the exchange's idempotency key where it honours one; elsewhere the lookup after an unknown
            # outcome matches on the order's parameters
            client_order_id=action.idempotency_key if client.has(Capability.CLIENT_ORDER_ID) else None,
        )
        return Executed(
            exchange_id=order.id, done=order.status is OrderStatus.CLOSED, result=order_facts(order)
        )


def _described(action: Action) -> dict[str, str]:
    """What every audit entry of an order step carries: the action, the account, the exact parameters
    and the id the exchange can find the order by (its idempotency key); never a credential."""
    return {
        "action": action.id,
        "account": action.account,
        **action.params,
        "client_order_id": action.idempotency_key,
    }
