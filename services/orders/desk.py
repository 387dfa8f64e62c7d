"""The order desk: preview an order, confirm it by its token, execute it once.

preview -> (member presses Confirm) -> confirm -> the action engine sends it exactly once. Every step
goes to the audit log with the member, the account and the exact parameters (never a secret).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from services.accounts import AccountRegistry
from services.actions.engine import ActionEngine, Executed, Outcome
from services.actions.records import Action
from services.actions.store import ActionStore, Decision
from services.audit import AuditLog
from services.exchanges import errors
from services.exchanges.models import Order, OrderSide, OrderStatus, OrderType, Ticker
from services.orders.ticket import OrderPreview, OrderRequest, check_order, needed_capability

ORDER = "order"


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
    ) -> None:
        self._accounts = accounts
        self._store = store
        self._engine = engine
        self._audit = audit
        self._price_guard = price_guard
        self._confirm_ttl_s = confirm_ttl_s

    async def preview(self, member_id: int, chat_id: int, request: OrderRequest) -> Previewed:
        """Checks everything that can be checked before sending; raises OrderRejected or an exchange
        error (unknown pair, not supported...) with nothing sent."""
        client = self._accounts.get(request.account).client
        client.require(needed_capability(request.type))
        market = await client.market(request.pair)
        ticker = await self._ticker(request, market.symbol)
        preview = check_order(
            request, market, ticker, await client.fetch_balance(), price_guard=self._price_guard
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
        await self._audit.record(member_id, "order.preview", {"action": action.id, **_described(action)})
        return Previewed(preview, action.id, token)

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
            kind = "order.confirm" if confirm else "order.cancel"
            await self._audit.record(presser_id, kind, {"action": action.id, "decision": decision.value})
        return decision

    async def execute(self, token: str, presser_id: int) -> Outcome:
        """Sends a confirmed action once; any other caller gets the action as it stands."""
        action = await self._store.token_action(token)
        if action is None:
            return Outcome(None, executed_here=False)
        outcome = await self._engine.execute(action.id, self._send)
        if outcome.executed_here and outcome.action is not None:
            done = outcome.action
            details = {"action": done.id, "state": done.state.value, "order_id": done.exchange_id}
            await self._audit.record(presser_id, "order.result", {**details, "error": done.error})
        return outcome

    async def _send(self, action: Action) -> Executed:
        client = self._accounts.get(action.account).client
        params = action.params
        order = await client.create_order(
            params["pair"],
            OrderSide(params["side"]),
            OrderType(params["type"]),
            Decimal(params["amount"]),
            Decimal(params["price"]) if "price" in params else None,
            stop_price=Decimal(params["stop_price"]) if "stop_price" in params else None,
            client_order_id=action.idempotency_key,
        )
        return Executed(
            exchange_id=order.id, done=order.status is OrderStatus.CLOSED, result=order_facts(order)
        )


def order_facts(order: Order) -> dict[str, str]:
    return {"status": order.status.value, "filled": str(order.filled)}


def _described(action: Action) -> dict[str, str]:
    return {"account": action.account, **action.params}
