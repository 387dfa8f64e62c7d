"""Signed balance endpoints: wallet, currencies, deposit and withdraw channels, history."""

from __future__ import annotations

import hashlib
from typing import Any

from sandbox.exchanges.common import InsufficientBalance, SeedAccount, SimTransfer

from .state import NarkasaSim
from .wire import Params, Refusal, ms, ok, positive, required

HISTORY_SIZE = 5  # "Get Last 5 Withdraw" / "Get Last 5 Deposit"


def wallet(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    holdings = sim.core.balances(account.name)
    rows = []
    for asset in sorted(set(sim.assets()) | set(holdings)):
        free, reserved = (
            sim.core.ledger.free(account.name, asset),
            sim.core.ledger.reserved(account.name, asset),
        )
        rows.append({"symbol": asset, "total": free + reserved, "available": free, "reserved": reserved})
    return ok(wallet=rows)


def _currency_id(asset: str) -> str:
    return hashlib.sha256(f"narkasa:currency:{asset}".encode()).hexdigest()


def currencies(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    return ok(currencies=[{"id": _currency_id(a), "symbol": a, "name": a} for a in sim.assets()])


def withdraw_info(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    asset = sim.asset(required(params, "symbol"))
    channels = sim.channels(asset)
    return ok(
        currency={
            "id": _currency_id(asset),
            "symbol": asset,
            "name": asset,
            "enable": True,
            "minimumWithdrawAmount": min(c.minimum for c in channels),
            "maxLength": 8,
            "channels": [
                {"name": c.name, "enable": c.enabled, "commission": c.fee, "addressList": []}
                for c in channels
            ],
        }
    )


def deposit_info(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    asset = sim.asset(required(params, "symbol"))
    channels = sim.channels(asset)
    return ok(
        currency={
            "id": _currency_id(asset),
            "symbol": asset,
            "name": asset,
            "enable": True,
            "minimumDepositAmount": min(c.minimum for c in channels),
            "maxLength": 8,
            "channels": [
                {
                    "name": c.name,
                    "address": sim.deposit_address(account.name, asset, c.name),
                    "enable": c.enabled,
                }
                for c in channels
            ],
        }
    )


def create_withdraw(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    asset = sim.asset(required(params, "symbol"))
    amount = positive(params, "amount", "20009")
    address = params.get("address", "").strip()
    if not address:
        raise Refusal("20010")
    node = required(params, "node")
    channel = next((c for c in sim.channels(asset) if c.name == node and c.enabled), None)
    if channel is None:
        raise Refusal("10029")
    if amount < channel.minimum:
        raise Refusal("10030")
    if len(address) < 10 or not address.isalnum():
        raise Refusal("10063")
    try:
        sim.core.transfers.request_withdrawal(
            account.name, asset, amount, address, params.get("secondParameter") or None, node, channel.fee
        )
    except InsufficientBalance:
        raise Refusal("10031") from None
    return ok()


def _history(sim: NarkasaSim, transfer: SimTransfer) -> dict[str, Any]:
    deposit = transfer.kind == "deposit"
    row: dict[str, Any] = {"id": transfer.id, "symbol": transfer.asset, "maxLength": 8}
    if deposit:
        row |= {
            "totalConfirmation": transfer.required_confirmations,
            "activeConfirmation": transfer.confirmations,
        }
    return row | {
        "amount": transfer.amount,
        "time": ms(transfer.created_at),
        "state": sim.deposit_state(transfer) if deposit else sim.withdraw_state(transfer),
        "real": True,
        "information": "",
        "txid": transfer.txid if transfer.status == "done" else "",
        "explorer": "",
    }


def withdraw_history(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    items = sim.core.transfers.query(account.name, "withdrawal")[-HISTORY_SIZE:]
    return ok(history=[_history(sim, t) for t in reversed(items)])


def deposit_history(sim: NarkasaSim, params: Params, account: SeedAccount) -> dict[str, Any]:
    items = sim.core.transfers.query(account.name, "deposit")[-HISTORY_SIZE:]
    return ok(history=[_history(sim, t) for t in reversed(items)])
