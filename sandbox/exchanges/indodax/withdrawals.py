"""withdrawFee and withdrawCoin: by address or by Indodax username, with request_id as the idempotency
key, and the callback the account's server must answer "ok" before anything moves."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.exchanges.common.ledger import InsufficientBalance
from sandbox.exchanges.common.seed import SeedAccount
from services.exchanges.indodax.constants import (
    MSG_AMOUNT_BELOW_FEE,
    MSG_CALLBACK_REFUSED,
    MSG_DAILY_LIMIT,
    MSG_INSUFFICIENT,
    MSG_INVALID_CURRENCY,
    MSG_INVALID_NETWORK,
    MSG_OWN_ADDRESS,
    MSG_USERNAME_NOT_FOUND,
    MSG_ZERO_WITHDRAWAL,
    REQUEST_ID_MAX,
)
from services.exchanges.indodax.convert import WIB

from . import views
from .state import IndodaxState
from .wire import Params, Refusal, answer, coin, decimal_param, ok, plain, required

CALLBACK_CONNECT_TIMEOUT = 5.0  # the document: "with 5 seconds connection timeout"


class WithdrawalMethods:
    def __init__(self, state: IndodaxState) -> None:
        self.state = state

    def methods(self) -> dict[str, Any]:
        return {"withdrawFee": self.withdraw_fee, "withdrawCoin": self.withdraw_coin}

    def _currency(self, params: Params) -> str:
        currency = required(params, "currency").lower()
        if currency not in self.state.currencies() or currency == "idr":
            raise Refusal(MSG_INVALID_CURRENCY)
        return currency

    def _network(self, currency: str, params: Params, *, needed: bool) -> str | None:
        offered = self.state.networks(currency)
        network = params.get("network", "").strip() or None
        if (network is None and needed and len(offered) > 1) or (
            network is not None and network not in offered
        ):
            raise Refusal(MSG_INVALID_NETWORK.format(networks=", ".join(offered)))
        return network or (offered[0] if needed else None)

    async def withdraw_fee(self, account: SeedAccount, params: Params) -> web.Response:
        currency = self._currency(params)
        self._network(currency, params, needed=False)
        fee = self.state.withdrawal_fee(currency.upper())
        return ok(
            {"server_time": int(self.state.clock.now()), "withdraw_fee": plain(fee), "currency": currency}
        )

    async def withdraw_coin(self, account: SeedAccount, params: Params) -> web.Response:
        request_id = required(params, "request_id")
        if len(request_id) > REQUEST_ID_MAX or not request_id.isalnum():
            raise Refusal("Invalid request_id", "invalid_parameter")
        earlier = self.state.withdraw_answers.get((account.name, request_id))
        if earlier is not None:
            return answer(earlier)  # the same request again: the same answer, nothing moves twice
        currency = self._currency(params)
        by_username = params.get("withdraw_input_method", "").strip() == "username"
        amount = decimal_param(params, "withdraw_amount")
        if amount is None or amount == 0:
            raise Refusal(MSG_ZERO_WITHDRAWAL, success=1)
        memo = params.get("withdraw_memo", "").strip() or None
        recipient: str | None
        if by_username:
            network, address, recipient = None, "", self._recipient_by_username(account, params)
        else:
            network = self._network(currency, params, needed=True)
            address = required(params, "withdraw_address")
            if self.state.is_own_address(account, currency, address):
                raise Refusal(MSG_OWN_ADDRESS)
            recipient = self.state.internal_owner(currency, address)
        fee = Decimal(0) if recipient is not None else self.state.withdrawal_fee(currency.upper())
        if amount <= fee:
            raise Refusal(MSG_AMOUNT_BELOW_FEE.format(fee=plain(fee), asset=currency.upper()))
        self._within_daily_limit(account, currency, amount)
        if self.state.ledger.free(account.name, currency.upper()) < amount:
            raise Refusal(MSG_INSUFFICIENT, "insufficient_balance")
        if not await self._callback_approves(account, params, request_id, currency, address):
            raise Refusal(MSG_CALLBACK_REFUSED)
        body = self._execute(account, currency, amount, fee, address, memo, network, recipient, request_id)
        if by_username:
            body.update(status="wait", withdraw_username=params.get("withdraw_username", ""))
        self.state.withdraw_answers[(account.name, request_id)] = body
        return answer(body)

    def _recipient_by_username(self, account: SeedAccount, params: Params) -> str:
        username = required(params, "withdraw_username")
        recipient = self.state.usernames.get(username)
        if recipient is None:
            raise Refusal(MSG_USERNAME_NOT_FOUND, success=1)
        if recipient == account.name:
            raise Refusal(MSG_OWN_ADDRESS)
        return recipient

    def _within_daily_limit(self, account: SeedAccount, currency: str, amount: Decimal) -> None:
        limit = self.state.daily_limits.get(currency)
        if limit is None:
            return
        now = datetime.fromtimestamp(self.state.clock.now(), WIB)
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        remain = limit - self.state.withdrawn_today(account.name, currency, day_start)
        if amount > remain:
            raise Refusal(
                MSG_DAILY_LIMIT.format(remain=coin(max(remain, Decimal(0))), asset=currency.upper()),
                success=1,
            )

    async def _callback_approves(
        self, account: SeedAccount, params: Params, request_id: str, currency: str, address: str
    ) -> bool:
        url = self.state.callback_urls.get(account.name)
        if not url:
            return True
        form = {
            "request_id": request_id,
            "withdraw_currency": currency,
            "withdraw_address": address,
            "withdraw_amount": params.get("withdraw_amount", ""),
            "withdraw_memo": params.get("withdraw_memo", ""),
            "requester_ip": "127.0.0.1",
            "request_date": datetime.fromtimestamp(self.state.clock.now(), WIB).strftime("%Y-%m-%d %H:%M:%S"),
        }
        if params.get("withdraw_username"):
            form["withdraw_username"] = params["withdraw_username"]
        self.state.callbacks_seen.append(form)
        timeout = aiohttp.ClientTimeout(total=3 * CALLBACK_CONNECT_TIMEOUT, connect=CALLBACK_CONNECT_TIMEOUT)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(url, data=form) as reply,
            ):
                return reply.status == 200 and (await reply.text()).strip() == "ok"
        except (aiohttp.ClientError, TimeoutError):
            return False

    def _execute(
        self,
        account: SeedAccount,
        currency: str,
        amount: Decimal,
        fee: Decimal,
        address: str,
        memo: str | None,
        network: str | None,
        recipient: str | None,
        request_id: str,
    ) -> dict[str, Any]:
        asset = currency.upper()
        internal = recipient is not None
        try:
            transfer = self.state.transfers.request_withdrawal(
                account.name,
                asset,
                amount - fee,
                address or f"indodax:{recipient}",
                memo,
                network,
                fee,
                request_id=request_id,
                delay=0.0 if internal else None,
            )
        except InsufficientBalance:
            raise Refusal(MSG_INSUFFICIENT, "insufficient_balance") from None
        if recipient is not None:
            self.state.transfers.inject_deposit(recipient, asset, amount, txid=transfer.txid, delay=0.0)
        return {
            "success": 1,
            "status": "approved",
            "withdraw_currency": currency,
            "withdraw_address": address,
            "withdraw_amount": coin(amount),
            "fee": coin(fee),
            "amount_after_fee": coin(amount - fee),
            "submit_time": str(int(transfer.created_at)),
            "withdraw_id": views.withdraw_id(transfer),
            "txid": "",
        }
