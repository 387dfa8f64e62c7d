"""Deposit addresses, withdrawals (a txid after a delay) and the day-by-day wallet history."""

from __future__ import annotations

from typing import Any

from sandbox.exchanges.common.ledger import InsufficientBalance
from sandbox.exchanges.common.seed import SeedAccount
from sandbox.exchanges.common.transfers import SimTransfer, TransferNotFound
from services.exchanges.incorex.constants import WALLET_HISTORY, WITHDRAW_CRYPT, WITHDRAW_GET_TXID, ErrorCode

from .auth import require
from .state import IncorexState
from .wire import Params, Refusal, decimal_param, num, ok, required

DAY = 86_400
# The document's example: "date" => 1528239599 answers "begin": "1528239600", "end": "1528325999". The
# server's days begin at 23:00 UTC (its own midnight, UTC+1), and it serves the day holding date + 1 s.
SERVER_UTC_OFFSET = 3_600


def server_day(moment: int) -> tuple[int, int]:
    """The server's day (begin, end) that holds ``moment``."""
    begin = (moment + SERVER_UTC_OFFSET) // DAY * DAY - SERVER_UTC_OFFSET
    return begin, begin + DAY - 1


MIN_ADDRESS_LENGTH = 8
# the simulator's transfer states in IncoreX's words
STATUS_WORD = {"pending": "processing", "done": "success", "cancelled": "cancelled", "failed": "error"}


def deposit_address(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, str]:
    return {asset: state.deposit_address(account, asset) for asset in state.currencies()}


def withdraw_crypt(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    require(account, "withdraw")
    if state.withdrawals_blocked:
        raise Refusal(ErrorCode.WITHDRAW_BLOCKED)
    amount = decimal_param(params, "amount")
    currency = required(params, "currency").upper()
    if currency not in state.currencies():
        raise Refusal(ErrorCode.BAD_PARAMETER, name="currency")
    address = required(params, "address")
    if len(address) < MIN_ADDRESS_LENGTH or any(ch.isspace() for ch in address):
        raise Refusal(ErrorCode.BAD_ADDRESS)
    try:
        transfer = state.transfers.request_withdrawal(
            account.name, currency, amount, address, fee=state.withdrawal_fee(currency)
        )
    except InsufficientBalance:
        raise Refusal(ErrorCode.INSUFFICIENT_FUNDS) from None
    return ok(WITHDRAW_CRYPT, task_id=transfer.id)


def withdraw_get_txid(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    task_id = required(params, "task_id")
    try:
        transfer = state.transfers.get(task_id)
    except TransferNotFound:
        raise Refusal(ErrorCode.TASK_NOT_FOUND) from None
    if transfer.account_id != account.name or transfer.kind != "withdrawal":
        raise Refusal(ErrorCode.TASK_NOT_FOUND)
    return ok(WITHDRAW_GET_TXID, txid=transfer.txid or "")


def wallet_history(state: IncorexState, account: SeedAccount, params: Params) -> dict[str, Any]:
    if not state.wallet_api:
        raise Refusal(ErrorCode.ACCESS_DENIED)
    date = params.get("date", "").strip()
    if date and not date.isdigit():
        raise Refusal(ErrorCode.BAD_PARAMETER, name="date")
    begin, end = server_day(int(date) + 1 if date else int(state.clock.now()))
    transfers = [t for t in state.transfers.query(account.name) if begin <= t.created_at <= end]
    return ok(WALLET_HISTORY, begin=str(begin), end=str(end), history=[_entry(t) for t in transfers])


def _entry(transfer: SimTransfer) -> dict[str, Any]:
    return {
        "date": int(transfer.created_at),
        "currency": transfer.asset,
        "type": transfer.kind,
        "amount": num(transfer.amount),
        "fee": num(transfer.fee),
        "paysystem": transfer.network or transfer.asset,
        "account": transfer.address or "",
        "txid": transfer.txid or "",
        "status": STATUS_WORD[transfer.status],
    }
