"""The withdrawal callback answers "ok" once, and only for a withdrawal we asked for with those details."""

from __future__ import annotations

from services.exchanges.indodax.callback import OK, REFUSED, WithdrawalCallbacks

SENT = {
    "withdraw_currency": "btc",
    "withdraw_address": "bc1qxyz",
    "withdraw_amount": "0.10000000",
    "withdraw_memo": "",
}


def callback(**changes: str) -> dict[str, str]:
    return {
        "request_id": "abc123",
        **SENT,
        "requester_ip": "1.2.3.4",
        "request_date": "2024-07-01",
        **changes,
    }


async def expecting() -> WithdrawalCallbacks:
    callbacks = WithdrawalCallbacks(None, "test")
    await callbacks.expect("abc123", {**SENT, "withdraw_amount": "0.1"})
    return callbacks


async def test_our_withdrawal_is_approved() -> None:
    assert (await (await expecting()).answer(callback())).text == OK


async def test_an_unknown_request_id_is_refused() -> None:
    assert (await (await expecting()).answer(callback(request_id="other"))).text == REFUSED


async def test_a_changed_address_is_refused() -> None:
    assert (await (await expecting()).answer(callback(withdraw_address="attacker"))).text == REFUSED


async def test_a_changed_amount_is_refused() -> None:
    assert (await (await expecting()).answer(callback(withdraw_amount="1.1"))).text == REFUSED


async def test_each_request_is_approved_once() -> None:
    callbacks = await expecting()
    await callbacks.answer(callback())
    assert (await callbacks.answer(callback())).text == REFUSED
