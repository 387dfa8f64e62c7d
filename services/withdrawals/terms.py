"""What an exchange tells about a withdrawal before it is made: its networks, fee and minimum, and
whether the client takes an idempotency key. Each exchange tells a different part of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from services.exchanges.base import ExchangeClient
from services.exchanges.incorex.client import IncorexClient
from services.exchanges.indodax.client import IndodaxClient
from services.exchanges.narkasa.client import NarkasaClient

# Assets that leave with a memo (tag): a withdrawal without one may be lost at the receiving end.
MEMO_ASSETS = frozenset({"XRP", "XLM", "EOS", "ATOM", "TON", "BNB", "HBAR", "XEM"})


@dataclass(frozen=True, slots=True)
class Terms:
    networks: list[str] = field(default_factory=list)  # offered networks; empty: the exchange picks
    fee: Decimal | None = None  # None: the exchange does not say
    minimum: Decimal | None = None
    fee_included: bool = False  # the fee comes out of the amount (Indodax) rather than on top
    takes_memo: bool = True
    takes_network: bool = True
    idempotent: bool = False  # the client's withdraw takes our request_id


async def fetch_terms(client: ExchangeClient, asset: str, network: str | None) -> Terms:
    """The terms for ``asset`` (on ``network`` where it matters for the fee)."""
    if isinstance(client, IndodaxClient):
        networks = await client.withdraw_networks(asset)
        chosen = network if network in networks else None
        fee = await client.fetch_withdraw_fee(asset, chosen) if chosen or len(networks) <= 1 else None
        # Indodax refuses an amount not above its fee: the fee is taken from the amount
        return Terms(networks=networks, fee=fee, minimum=None, fee_included=True, idempotent=True)
    if isinstance(client, NarkasaClient):
        info = await client.fetch_withdraw_info(asset)
        channels = [ch for ch in info.channels if ch.enabled]
        wanted = (network or "").upper()
        chosen_fee = next((ch.fee for ch in channels if ch.network.upper() == wanted), None)
        if chosen_fee is None and len(channels) == 1:
            chosen_fee = channels[0].fee
        return Terms(networks=[ch.network for ch in channels], fee=chosen_fee, minimum=info.minimum)
    if isinstance(client, IncorexClient):
        # withdraw_crypt takes currency, amount and address only
        return Terms(takes_memo=False, takes_network=False)
    return Terms()


def memo_required(asset: str, terms: Terms) -> bool:
    """A withdrawal of ``asset`` must carry a memo where the exchange takes one."""
    return asset in MEMO_ASSETS and terms.takes_memo
