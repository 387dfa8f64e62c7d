"""An exchange's withdrawal callback (Indodax calls before each withdrawCoin) is answered "ok" only for a
withdrawal this bot approved and is sending right now (``submitting``, the request_id being its
idempotency key), with the same currency, address, amount and memo, and only once. Every callback is
audited (``withdrawal.callback``) with the answer and, when refused, why."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from redis.asyncio import Redis

from services.accounts import Account
from services.actions.records import Action
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.audit import AuditLog
from services.exchanges.callbacks import CallbackEndpoint, CallbackReply
from services.exchanges.exchanger.callback import BidUpdates
from services.exchanges.indodax.callback import OK, REFUSED, WithdrawalCallbacks
from services.redis_client import Keys
from services.watchers.bids import BidCallbacks
from services.withdrawals.desk import WITHDRAWAL

ANSWERED_KEEP_S = 7 * 86_400
# actor of the audit entry when the request_id names no withdrawal of ours
NOBODY = 0


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def changed_field(action: Action, params: Mapping[str, str]) -> str | None:
    """The first detail the callback tells differently from the approved withdrawal, or None."""
    p = action.params
    if params.get("withdraw_currency", "").lower() != p["asset"].lower():
        return "currency"
    if params.get("withdraw_address", "") != p["address"]:
        return "address"
    given = _amount(params.get("withdraw_amount", ""))
    if given is None or given != Decimal(p["amount"]):
        return "amount"
    if params.get("withdraw_memo", "") != p.get("memo", ""):
        return "memo"
    return None


class ApprovedWithdrawalCallbacks:
    """The account's callback endpoint, answering "ok" only for the bot's own withdrawal in flight."""

    def __init__(
        self,
        account: str,
        sent: WithdrawalCallbacks,
        store: ActionStore,
        audit: AuditLog,
        redis: Redis,
        keys: Keys,
    ) -> None:
        self._account = account
        self._sent = sent  # what the client recorded just before sending: checked last, used once
        self._store = store
        self._audit = audit
        self._redis = redis
        self._keys = keys

    async def _in_flight(self, request_id: str) -> Action | None:
        for action in await self._store.in_state(ActionState.SUBMITTING):
            if (
                action.kind == WITHDRAWAL
                and action.account == self._account
                and request_id
                and action.idempotency_key == request_id
            ):
                return action
        return None

    async def _why_refused(self, action: Action | None, params: Mapping[str, str]) -> str | None:
        if action is None:
            return "unknown_request"  # no withdrawal of ours is being sent with this request_id
        changed = changed_field(action, params)
        if changed is not None:
            return f"changed_{changed}"
        # once: a second callback for the same withdrawal is a replay
        first = await self._redis.set(
            self._keys("withdrawal-callback", action.id), "1", nx=True, ex=ANSWERED_KEEP_S
        )
        if not first:
            return "replay"
        if not await self._sent.verify(params):
            return "not_as_sent"
        return None

    async def answer(self, params: Mapping[str, str]) -> CallbackReply:
        request_id = params.get("request_id", "")
        action = await self._in_flight(request_id)
        refused = await self._why_refused(action, params)
        details = {
            "account": self._account,
            "request_id": request_id[:64],
            "action": action.id if action else "",
            "answer": OK if refused is None else REFUSED,
            "reason": refused or "",
        }
        await self._audit.record(action.member_id if action else NOBODY, "withdrawal.callback", details)
        # the exchange goes on only on exactly "ok"; anything else stops that withdrawal
        return CallbackReply(200, OK) if refused is None else CallbackReply(403, REFUSED)


class WithdrawalCallbackGuard:
    """Which endpoint answers an account's callbacks: a withdrawal callback goes through the checks
    above, an exchanger's bid update through the bid tracker's (services.watchers.bids)."""

    def __init__(self, store: ActionStore, audit: AuditLog, redis: Redis, keys: Keys) -> None:
        self._store = store
        self._audit = audit
        self._redis = redis
        self._keys = keys

    def endpoint(self, account: Account) -> CallbackEndpoint | None:
        endpoint = account.client.callback_endpoint()
        if isinstance(endpoint, WithdrawalCallbacks):
            return ApprovedWithdrawalCallbacks(
                account.name, endpoint, self._store, self._audit, self._redis, self._keys
            )
        if isinstance(endpoint, BidUpdates):
            return BidCallbacks(account.name, endpoint, self._store, self._audit, self._redis, self._keys)
        return endpoint
