"""POST /tapi: authentication, permission, dispatch by ``method``; getInfo and transHistory live here."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from sandbox.exchanges.common.seed import SeedAccount
from services.exchanges.indodax.constants import (
    MSG_DATE_FORMAT,
    MSG_DATE_ORDER,
    MSG_DATE_RANGE,
    TRANS_HISTORY_MAX_DAYS,
    TRANS_HISTORY_MAX_RECORDS,
)
from services.exchanges.indodax.convert import WIB

from . import views
from .auth import authenticate, require_permission
from .orders import OrderMethods
from .state import IndodaxState
from .wire import Refusal, coin, ok
from .withdrawals import WithdrawalMethods

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def idr_number(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else coin(value)


class Tapi:
    def __init__(self, state: IndodaxState) -> None:
        self.state = state
        self.methods: dict[str, Any] = {
            "getInfo": self.get_info,
            "transHistory": self.trans_history,
            **OrderMethods(state).methods(),
            **WithdrawalMethods(state).methods(),
        }

    async def handle(self, request: web.Request) -> web.Response:
        form = await request.post()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        method = params.get("method", "")
        try:
            account = await authenticate(self.state, request, params)
            handler = self.methods.get(method)
            if handler is None:
                raise Refusal("Invalid method", "invalid_method")
            require_permission(account, method)
            response: web.Response = await handler(account, params)
        except Refusal as refusal:
            return refusal.response()
        return response

    async def get_info(self, account: SeedAccount, params: dict[str, str]) -> web.Response:
        holdings = self.state.balances(account.name)
        currencies = list(dict.fromkeys([*self.state.currencies(), *(a.lower() for a in holdings)]))
        balance: dict[str, Any] = {}
        hold: dict[str, Any] = {}
        for currency in currencies:
            holding = self.state.ledger.holding(account.name, currency.upper())
            show = idr_number if currency == "idr" else coin
            balance[currency], hold[currency] = show(holding.free), show(holding.reserved)
        coins = [c for c in currencies if c != "idr"]
        networks = {c: self.state.networks(c) for c in coins}
        return ok(
            {
                "server_time": int(self.state.clock.now()),
                "balance": balance,
                "balance_hold": hold,
                "address": {c: self.state.deposit_address(account, c) for c in coins},
                "network": {c: n[0] if len(n) == 1 else n for c, n in networks.items()},
                "memo_is_required": {c: dict.fromkeys(n, False) for c, n in networks.items()},
                "user_id": str(list(self.state.accounts).index(account.name) + 1).zfill(5),
                "name": account.name,
                "email": f"{account.name}@example.com",
                "profile_picture": None,
                "verification_status": "verified",
                "gauth_enable": True,
                "withdraw_status": 1,
            }
        )

    def _dates(self, params: dict[str, str]) -> tuple[date, date]:
        today = datetime.fromtimestamp(self.state.clock.now(), WIB).date()
        parsed: list[date | None] = []
        for name in ("start", "end"):
            text = params.get(name, "").strip()
            if not text:
                parsed.append(None)
                continue
            try:
                if not _DATE.match(text):
                    raise ValueError(text)
                parsed.append(date.fromisoformat(text))
            except ValueError:
                raise Refusal(MSG_DATE_FORMAT, "invalid_date") from None
        end = parsed[1] or today
        start = parsed[0] or end - timedelta(days=TRANS_HISTORY_MAX_DAYS)
        if start > end:
            raise Refusal(MSG_DATE_ORDER, "invalid_date")
        if (end - start).days > TRANS_HISTORY_MAX_DAYS:
            raise Refusal(MSG_DATE_RANGE, "invalid_date")
        return start, end

    async def trans_history(self, account: SeedAccount, params: dict[str, str]) -> web.Response:
        start, end = self._dates(params)
        currencies = self.state.currencies()
        found: dict[str, dict[str, list[dict[str, Any]]]] = {
            "withdraw": {c: [] for c in currencies},
            "deposit": {c: [] for c in currencies},
        }
        for transfer in reversed(self.state.transfers.query(account.name)):
            day = datetime.fromtimestamp(transfer.created_at, WIB).date()
            if not start <= day <= end:
                continue
            rows = found["deposit" if transfer.kind == "deposit" else "withdraw"].setdefault(
                transfer.asset.lower(), []
            )
            if len(rows) < TRANS_HISTORY_MAX_RECORDS:
                rows.append(views.transfer(transfer))
        return ok(found)
