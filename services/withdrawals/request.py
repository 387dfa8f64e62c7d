"""A withdrawal as a member asked for it, checked against the exchange's terms and the free balance
before anyone sees a Confirm button (the policy is checked by the desk)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from services.actions.records import wire_text
from services.exchanges.base import ExchangeClient
from services.exchanges.capabilities import Capability
from services.withdrawals.addresses import AddressProblem, check_address
from services.withdrawals.terms import MEMO_ASSETS, Terms, fetch_terms, memo_required

_ASSET = re.compile(r"[A-Za-z0-9]{1,12}")
_MEMO = re.compile(r"[A-Za-z0-9_-]{1,64}")


class WithdrawalProblem(StrEnum):
    BAD_ASSET = "bad_asset"
    UNKNOWN_ASSET = "unknown_asset"
    NETWORK_REQUIRED = "network_required"
    UNKNOWN_NETWORK = "unknown_network"
    NETWORK_NOT_TAKEN = "network_not_taken"  # the exchange takes no network
    MEMO_NOT_USED = "memo_not_used"  # a memo on an asset without memos, or an exchange that takes none
    MEMO_REQUIRED = "memo_required"
    BAD_MEMO = "bad_memo"
    ADDRESS_SPACES = "address_spaces"
    ADDRESS_TOO_LONG = "address_too_long"
    ADDRESS_CHECKSUM = "address_checksum"
    ADDRESS_NETWORK = "address_network"
    AMOUNT_TOO_SMALL = "amount_too_small"
    AMOUNT_NOT_ABOVE_FEE = "amount_not_above_fee"  # the fee is taken from the amount
    INSUFFICIENT_FUNDS = "insufficient_funds"


_ADDRESS_PROBLEMS = {
    AddressProblem.SPACES: WithdrawalProblem.ADDRESS_SPACES,
    AddressProblem.TOO_LONG: WithdrawalProblem.ADDRESS_TOO_LONG,
    AddressProblem.CHECKSUM: WithdrawalProblem.ADDRESS_CHECKSUM,
    AddressProblem.WRONG_NETWORK: WithdrawalProblem.ADDRESS_NETWORK,
}


class WithdrawalRejected(ValueError):
    """Why a withdrawal is not previewed; ``limit``, ``asset`` and ``choices`` fill in the message."""

    def __init__(
        self,
        problem: WithdrawalProblem,
        *,
        limit: Decimal | None = None,
        asset: str = "",
        choices: list[str] | None = None,
    ) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.limit = limit
        self.asset = asset
        self.choices = choices or []


@dataclass(frozen=True, slots=True)
class WithdrawalRequest:
    account: str
    asset: str
    amount: Decimal
    address: str
    memo: str | None = None
    network: str | None = None


@dataclass(frozen=True, slots=True)
class WithdrawalPreview:
    account: str
    asset: str
    amount: Decimal  # what leaves the account's balance for the exchange
    address: str
    memo: str | None
    network: str | None
    fee: Decimal | None
    receive: Decimal | None  # what arrives, when the fee is known
    free_after: Decimal
    idempotent: bool

    def params(self) -> dict[str, str]:
        """The exact parameters confirmed and approved; what is sent."""
        values = {"asset": self.asset, "amount": wire_text(self.amount), "address": self.address}
        if self.memo:
            values["memo"] = self.memo
        if self.network:
            values["network"] = self.network
        if self.fee is not None:
            values["fee"] = wire_text(self.fee)
        if self.receive is not None:
            values["receive"] = wire_text(self.receive)
        values["idempotent"] = "1" if self.idempotent else "0"
        return values


def check_asset_code(asset: str) -> str:
    """The asset as a code (upper case), or WithdrawalRejected."""
    if not _ASSET.fullmatch(asset):
        raise WithdrawalRejected(WithdrawalProblem.BAD_ASSET)
    return asset.upper()


def check_address_format(asset: str, network: str | None, address: str) -> None:
    problem = check_address(asset, network, address)
    if problem is not None:
        raise WithdrawalRejected(_ADDRESS_PROBLEMS[problem], asset=asset)


def check_memo(memo: str) -> None:
    if not _MEMO.fullmatch(memo):
        raise WithdrawalRejected(WithdrawalProblem.BAD_MEMO)


def normalized(request: WithdrawalRequest) -> WithdrawalRequest:
    """Checks the words that need no exchange: the asset's and memo's shape."""
    check_asset_code(request.asset)
    if request.memo is not None:
        check_memo(request.memo)
    return WithdrawalRequest(
        request.account,
        request.asset.upper(),
        request.amount,
        request.address,
        request.memo,
        request.network,
    )


async def check_withdrawal(client: ExchangeClient, request: WithdrawalRequest) -> WithdrawalPreview:
    """The preview of a withdrawal the exchange should take, or WithdrawalRejected (nothing sent)."""
    client.require(Capability.WITHDRAW)
    request = normalized(request)
    asset = request.asset
    balances = await client.fetch_balance()
    if asset not in balances.assets:
        raise WithdrawalRejected(WithdrawalProblem.UNKNOWN_ASSET, asset=asset)
    terms = await fetch_terms(client, asset, request.network)
    network = _network(terms, request.network)
    if network != request.network:
        terms = await fetch_terms(client, asset, network)
    check_address_format(asset, network, request.address)
    _memo(terms, asset, request.memo)
    fee = terms.fee
    if terms.fee_included and fee is not None and request.amount <= fee:
        raise WithdrawalRejected(WithdrawalProblem.AMOUNT_NOT_ABOVE_FEE, limit=fee, asset=asset)
    if terms.minimum is not None and request.amount < terms.minimum:
        raise WithdrawalRejected(WithdrawalProblem.AMOUNT_TOO_SMALL, limit=terms.minimum, asset=asset)
    free = balances.get(asset).free
    on_top = Decimal(0) if terms.fee_included or fee is None else fee
    spend = request.amount + on_top
    if spend > free:
        available = max(free - on_top, Decimal(0))
        raise WithdrawalRejected(WithdrawalProblem.INSUFFICIENT_FUNDS, limit=available, asset=asset)
    receive = None
    if fee is not None:
        receive = request.amount - fee if terms.fee_included else request.amount
    return WithdrawalPreview(
        account=request.account,
        asset=asset,
        amount=request.amount,
        address=request.address,
        memo=request.memo,
        network=network,
        fee=fee,
        receive=receive,
        free_after=free - spend,
        idempotent=terms.idempotent,
    )


def _network(terms: Terms, wanted: str | None) -> str | None:
    """The exchange's spelling of the chosen network; required where the asset has several."""
    if wanted is not None and not terms.takes_network:
        raise WithdrawalRejected(WithdrawalProblem.NETWORK_NOT_TAKEN)
    if wanted is None:
        if len(terms.networks) > 1:
            raise WithdrawalRejected(WithdrawalProblem.NETWORK_REQUIRED, choices=terms.networks)
        return terms.networks[0] if terms.networks else None
    for offered in terms.networks:
        if offered.lower() == wanted.lower():
            return offered
    if terms.networks:
        raise WithdrawalRejected(WithdrawalProblem.UNKNOWN_NETWORK, choices=terms.networks)
    return wanted


def _memo(terms: Terms, asset: str, memo: str | None) -> None:
    if memo is not None and (not terms.takes_memo or asset not in MEMO_ASSETS):
        raise WithdrawalRejected(WithdrawalProblem.MEMO_NOT_USED, asset=asset)
    if memo is None and memo_required(asset, terms):
        raise WithdrawalRejected(WithdrawalProblem.MEMO_REQUIRED, asset=asset)
