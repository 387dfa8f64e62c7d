"""Finding a withdrawal whose outcome is unknown in the exchange's withdrawal history, never sending it again.

No history the bot reads carries the idempotency key (IncoreX ``wallet_history``, Indodax ``transHistory``,
Narkasa ``withdraw-history``; IncoreX's ``withdraw_get_txid`` needs the task id whose answer was lost),
so the withdrawal is matched conservatively: same asset, the amount (gross or net of the fee), the address
where the history shows one, made since the request (less the clocks' skew), and not already recorded by
another withdrawal of the bot. Exactly one such withdrawal, while no other of the bot's withdrawals of
unknown outcome could claim it, is this one; anything else (none, several) stays ``unknown`` for an
admin, with the candidates.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from services.accounts import AccountRegistry
from services.actions.lookup import Lookup, Verdict, claimed
from services.actions.records import Action, wire_text
from services.actions.states import ActionState
from services.actions.store import ActionStore
from services.exchanges.models import Withdrawal
from services.withdrawals.desk import WITHDRAWAL

# exchange clocks differ from ours: a withdrawal may carry a time a little before the request
CLOCK_SKEW_S = 120.0


def candidate(withdrawal: Withdrawal) -> dict[str, str]:
    """What an admin needs to recognise a withdrawal (and the id recorded when it is chosen)."""
    found = {"id": withdrawal.id, "amount": wire_text(withdrawal.amount), "status": withdrawal.status.value}
    if withdrawal.address:
        found["address"] = withdrawal.address
    if withdrawal.txid:
        found["txid"] = withdrawal.txid
    if withdrawal.timestamp is not None:
        found["time"] = withdrawal.timestamp.isoformat(timespec="seconds")
    return found


def same_withdrawal(action: Action, withdrawal: Withdrawal) -> bool:
    """Asset, amount (some exchanges list it net of the fee) and, where listed, the address."""
    p = action.params
    amount = Decimal(p["amount"])
    return (
        withdrawal.asset.upper() == p["asset"].upper()
        and amount in (withdrawal.amount, withdrawal.amount + (withdrawal.fee or 0))
        and (withdrawal.address is None or withdrawal.address == p["address"])
    )


class WithdrawalLookup:
    def __init__(self, accounts: AccountRegistry, store: ActionStore) -> None:
        self._accounts = accounts
        self._store = store

    async def find(self, action: Action) -> Lookup:
        """Raises an exchange error when the exchange cannot be asked now (the next round asks again)."""
        since = action.created_at - CLOCK_SKEW_S
        client = self._accounts.get(action.account).client
        history = await client.fetch_withdrawals(
            action.params["asset"], since=datetime.fromtimestamp(since, UTC)
        )
        taken = await claimed(
            self._store,
            action,
            since,
            (ActionState.SUBMITTED, ActionState.COMPLETED, ActionState.FAILED),
            any_kind=False,
        )
        matches = [
            w
            for w in history
            if w.id not in taken
            and (w.timestamp is None or w.timestamp.timestamp() >= since)
            and same_withdrawal(action, w)
        ]
        if len(matches) == 1 and not await self._rivals(action, matches[0]):
            found = matches[0]
            result = {"status": found.status.value, "txid": found.txid or ""}
            return Lookup(Verdict.PLACED, exchange_id=found.id, result=result)
        return Lookup(Verdict.UNSURE, candidates=tuple(candidate(w) for w in matches))

    async def _rivals(self, action: Action, found: Withdrawal) -> bool:
        """Another of the bot's withdrawals, still being sent or of unknown outcome, that it could be."""
        for state in (ActionState.SUBMITTING, ActionState.UNKNOWN):
            for other in await self._store.in_state(state):
                if (
                    other.kind == WITHDRAWAL
                    and other.id != action.id
                    and other.account == action.account
                    and same_withdrawal(other, found)
                ):
                    return True
        return False
