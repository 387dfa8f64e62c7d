"""The step-up gate: an approval of a withdrawal worth more than ``code_required_above`` (in the
portfolio quote) counts only with a valid, unused TOTP code of the approver."""

from __future__ import annotations

import logging
from decimal import Decimal

from services.accounts import AccountRegistry
from services.actions.records import Action
from services.exchanges import errors
from services.team import TeamMember
from services.twofactor import TwoFactor, Verdict
from services.withdrawals.desk import GateAnswer

log = logging.getLogger(__name__)

_ANSWERS = {
    Verdict.OK: GateAnswer.PASS,
    Verdict.WRONG: GateAnswer.CODE_WRONG,
    Verdict.LOCKED_NOW: GateAnswer.CODE_LOCKED,
    Verdict.LOCKED: GateAnswer.LOCKED,
    Verdict.NOT_ENROLLED: GateAnswer.NOT_ENROLLED,
}


class StepUpGate:
    def __init__(self, codes: TwoFactor, accounts: AccountRegistry, *, above: Decimal, quote: str) -> None:
        self._codes = codes
        self._accounts = accounts
        self._above = above
        self._quote = quote

    async def check(self, action: Action, approver: TeamMember, code: str | None) -> GateAnswer:
        if not await self._needs_code(action):
            return GateAnswer.PASS
        member_id = approver.telegram_id
        if code is not None:
            return _ANSWERS[await self._codes.verify(member_id, code)]
        if await self._codes.locked(member_id):
            return GateAnswer.LOCKED
        if not await self._codes.enrolled(member_id):
            return GateAnswer.NOT_ENROLLED
        return GateAnswer.CODE_NEEDED

    async def _needs_code(self, action: Action) -> bool:
        if self._above <= 0:
            return True
        value = await self._value(action)
        # a withdrawal that cannot be valued needs a code: the step-up is never skipped by doubt
        return value is None or value > self._above

    async def _value(self, action: Action) -> Decimal | None:
        asset, amount = action.params["asset"], Decimal(action.params["amount"])
        if asset == self._quote:
            return amount
        client = self._accounts.get(action.account).client
        try:
            ticker = await client.fetch_ticker(f"{asset}/{self._quote}")
        except errors.ExchangeError as exc:
            log.info("withdrawal %s not valued in %s: %s", action.id, self._quote, type(exc).__name__)
            return None
        return None if not ticker.last else amount * ticker.last
